import { isKeyflowError } from '@keyflow/sdk';
import { DEFAULT_FLINK_DIR, parseFlinkDirArgument, parseFlinkUpArguments } from './flink-arguments';

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isKeyflowError(error)) return `${error.code}: ${(error.message.split('\n')[0] ?? '').replace(`[${error.code}] `, '')}`;
    throw error;
  }
  throw new Error('no error');
}

describe('keyflow flink up arguments', () => {
  it('derives slots per TaskManager from the parallelism', () => {
    const parsed = parseFlinkUpArguments(['--module', 'm.yaml', '--taskmanagers', '2', '--parallelism', '4']);
    expect(parsed).toMatchObject({ modules: ['m.yaml'], taskManagers: 2, slots: 2, parallelism: 4, dir: DEFAULT_FLINK_DIR, checkpointIntervalMs: 2_000 });
    expect(parseFlinkUpArguments(['--module', 'm.yaml', '--taskmanagers', '3', '--parallelism', '4']).slots).toBe(2);
    expect(parseFlinkUpArguments(['--module=m.yaml']).parallelism).toBe(1);
  });

  it('takes repeated modules, functions, Kafka, a savepoint and a folder', () => {
    const parsed = parseFlinkUpArguments(['--module', 'a.yaml', '--module', 'b.yaml', '--functions', 'r.ts', '--kafka', 'local', '--from-savepoint', 'file:/s', '--dir', 'x']);
    expect(parsed).toMatchObject({ modules: ['a.yaml', 'b.yaml'], functions: 'r.ts', kafka: 'local', fromSavepoint: 'file:/s', dir: 'x' });
  });

  it('says what is wrong with KF_CLI_USAGE', () => {
    expect(usageError(() => parseFlinkUpArguments([]))).toBe('KF_CLI_USAGE: --module is required.');
    expect(usageError(() => parseFlinkUpArguments(['--module', 'm', '--functions', 'r.ts', '--endpoint', 'http://x']))).toBe('KF_CLI_USAGE: Give --functions or --endpoint, not both.');
    expect(usageError(() => parseFlinkUpArguments(['--module', 'm', '--taskmanagers', '1', '--slots', '1', '--parallelism', '3']))).toMatch(/--parallelism 3 needs 3 task slots/);
    expect(usageError(() => parseFlinkUpArguments(['--module', 'm', '--parallelism', '0']))).toBe('KF_CLI_USAGE: --parallelism needs a whole number of at least 1.');
    expect(usageError(() => parseFlinkUpArguments(['--module', 'm', '--nope']))).toBe("KF_CLI_USAGE: Unknown option --nope for 'keyflow flink up'.");
  });

  it('reads --dir for savepoint and down', () => {
    expect(parseFlinkDirArgument([], 'down')).toBe(DEFAULT_FLINK_DIR);
    expect(parseFlinkDirArgument(['--dir', 'd'], 'savepoint')).toBe('d');
    expect(usageError(() => parseFlinkDirArgument(['--module', 'm'], 'down'))).toBe("KF_CLI_USAGE: Unknown option --module for 'keyflow flink down'.");
  });
});
