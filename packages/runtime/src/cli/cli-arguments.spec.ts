import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { MIN_CHECKPOINT_INTERVAL_MS, RUN_ENVIRONMENT, RUN_USAGE, parseRunArguments } from './cli-arguments';

function usageError(args: readonly string[], env: NodeJS.ProcessEnv = {}): KeyflowError {
  try {
    parseRunArguments(args, env);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyflowError);
    expect((error as KeyflowError).code).toBe(RuntimeErrorCodes.CLI_USAGE);
    return error as KeyflowError;
  }
  throw new Error(`expected ${args.join(' ')} to be refused`);
}

describe('parseRunArguments', () => {
  it('gives the defaults when only --module is set', () => {
    expect(parseRunArguments(['--module', 'm.yaml'], {})).toEqual({
      modules: ['m.yaml'],
      stateDir: '.keyflow/state',
      memoryState: false,
      checkpointIntervalMs: 5_000,
      checkpointDir: undefined,
      fromSavepoint: undefined,
      compactionInterval: undefined,
      retainCheckpoints: undefined,
      adminPort: undefined,
      adminHost: '127.0.0.1',
      adminToken: undefined,
      takeOver: false,
      maxStagedEgressRecords: undefined,
      maxStagedEgressBytes: undefined,
    });
  });

  it('reads every option from its KEYFLOW_* variable (the Kubernetes manifests set them)', () => {
    const env = {
      KEYFLOW_MODULE: '/etc/keyflow/module.yaml, /etc/keyflow/io.yaml',
      KEYFLOW_STATE_DIR: '/var/lib/keyflow/state',
      KEYFLOW_MEMORY_STATE: 'true',
      KEYFLOW_CHECKPOINT_INTERVAL: '10s',
      KEYFLOW_CHECKPOINT_DIR: 's3://bucket/app',
      KEYFLOW_FROM_SAVEPOINT: 'file:///savepoints/1',
      KEYFLOW_COMPACTION_INTERVAL: '7',
      KEYFLOW_RETAIN_CHECKPOINTS: '2',
      KEYFLOW_PORT_ADMIN: '8091',
      KEYFLOW_ADMIN_HOST: '0.0.0.0',
      KEYFLOW_ADMIN_TOKEN: 'a-token-of-24-characters',
      KEYFLOW_TAKE_OVER: 'true',
      KEYFLOW_MAX_STAGED_EGRESS_RECORDS: '5000',
      KEYFLOW_MAX_STAGED_EGRESS_BYTES: '16MiB',
      KEYFLOW_RETRY_FAILURES_FOR: '30s',
      KEYFLOW_ON_FAILURE: 'stop',
      KEYFLOW_OTLP_TRACES: 'http://collector:4318/v1/traces',
      KEYFLOW_TRACE_SAMPLE_RATIO: '0.01',
    };
    expect(parseRunArguments([], env)).toEqual({
      modules: ['/etc/keyflow/module.yaml', '/etc/keyflow/io.yaml'],
      stateDir: '/var/lib/keyflow/state',
      memoryState: true,
      checkpointIntervalMs: 10_000,
      checkpointDir: 's3://bucket/app',
      fromSavepoint: 'file:///savepoints/1',
      compactionInterval: 7,
      retainCheckpoints: 2,
      adminPort: 8091,
      adminHost: '0.0.0.0',
      adminToken: 'a-token-of-24-characters',
      takeOver: true,
      maxStagedEgressRecords: 5_000,
      maxStagedEgressBytes: 16 * 1024 * 1024,
      failurePolicy: { retryForMs: 30_000, then: 'stop' },
      tracing: { otlpEndpoint: 'http://collector:4318/v1/traces', sampleRatio: 0.01 },
    });
    expect(Object.values(RUN_ENVIRONMENT).sort()).toEqual(Object.keys(env).sort());
  });

  it('reads the failure policy: either option alone keeps the default of the other; bad values say what to give', () => {
    expect(parseRunArguments(['--module', 'm.yaml']).failurePolicy).toBeUndefined();
    expect(parseRunArguments(['--module', 'm.yaml', '--on-failure', 'stop'], {}).failurePolicy).toEqual({ retryForMs: 60_000, then: 'stop' });
    expect(parseRunArguments(['--module', 'm.yaml', '--retry-failures-for=5m'], {}).failurePolicy).toEqual({ retryForMs: 300_000, then: 'park' });
    expect(() => parseRunArguments(['--module', 'm.yaml', '--on-failure', 'drop'], {})).toThrow("--on-failure is 'drop'; give park or stop.");
    expect(() => parseRunArguments(['--module', 'm.yaml', '--retry-failures-for', 'soon'], {})).toThrow("--retry-failures-for is 'soon'; give a duration with a unit");
  });

  it('reads tracing: off without an endpoint; a ratio without one, a bad URL or ratio say what to give', () => {
    expect(parseRunArguments(['--module', 'm.yaml'], {}).tracing).toBeUndefined();
    expect(parseRunArguments(['--module', 'm.yaml', '--otlp-traces', 'http://127.0.0.1:4318/v1/traces'], {}).tracing).toEqual({ otlpEndpoint: 'http://127.0.0.1:4318/v1/traces' });
    expect(() => parseRunArguments(['--module', 'm.yaml', '--trace-sample-ratio', '0.1'], {})).toThrow('--trace-sample-ratio is set but traces are off: give --otlp-traces <url> too.');
    expect(() => parseRunArguments(['--module', 'm.yaml', '--otlp-traces', 'collector:4318'], {})).toThrow("--otlp-traces is 'collector:4318'; give the collector's OTLP/HTTP URL");
    expect(() => parseRunArguments(['--module', 'm.yaml', '--otlp-traces', 'http://c/v1/traces', '--trace-sample-ratio', '2'], {})).toThrow("--trace-sample-ratio is '2'; give a number from 0 to 1");
  });

  it('lets a flag win over its variable, and ignores empty variables', () => {
    const env = { KEYFLOW_MODULE: 'env.yaml', KEYFLOW_STATE_DIR: '/env/state', KEYFLOW_MEMORY_STATE: 'true', KEYFLOW_PORT_ADMIN: '' };
    const parsed = parseRunArguments(['--module', 'a.yaml', '--module=b.yaml', '--state-dir', 'flag-state', '--memory-state=false'], env);
    expect(parsed.modules).toEqual(['a.yaml', 'b.yaml']);
    expect(parsed.stateDir).toBe('flag-state');
    expect(parsed.memoryState).toBe(false);
    expect(parsed.adminPort).toBeUndefined();
    expect(parseRunArguments(['--module', 'm.yaml', '--take-over'], {}).takeOver).toBe(true);
  });

  it('requires a module, naming the flag and the variable', () => {
    const error = usageError([]);
    expect(error.message).toContain('--module');
    expect(error.message).toContain('KEYFLOW_MODULE');
  });

  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['1.5m', 90_000],
    [`${MIN_CHECKPOINT_INTERVAL_MS}ms`, MIN_CHECKPOINT_INTERVAL_MS],
    ['0', 0],
    ['0s', 0],
  ])('takes --checkpoint-interval %s', (text, millis) => {
    expect(parseRunArguments(['--module', 'm.yaml', '--checkpoint-interval', text], {}).checkpointIntervalMs).toBe(millis);
  });

  it.each(['5000', '10ms', 'soon', '-1s'])('refuses --checkpoint-interval %s (no unit, below the minimum, or not a duration)', (text) => {
    expect(usageError(['--module', 'm.yaml', '--checkpoint-interval', text]).message).toContain('--checkpoint-interval');
  });

  it.each([
    ['1048576', 1_048_576],
    ['512KiB', 512 * 1024],
    ['64MiB', 64 * 1024 * 1024],
    ['1GiB', 1024 ** 3],
  ])('takes --max-staged-egress-bytes %s', (text, bytes) => {
    expect(parseRunArguments(['--module', 'm.yaml', '--max-staged-egress-bytes', text], {}).maxStagedEgressBytes).toBe(bytes);
  });

  it.each(['0', '64MB', '1.5MiB', 'lots'])('refuses --max-staged-egress-bytes %s', (text) => {
    expect(usageError(['--module', 'm.yaml', '--max-staged-egress-bytes', text]).message).toContain('--max-staged-egress-bytes');
  });

  it('names the variable when a value from the environment is wrong', () => {
    expect(usageError(['--module', 'm.yaml'], { KEYFLOW_CHECKPOINT_INTERVAL: '50ms' }).message).toContain('KEYFLOW_CHECKPOINT_INTERVAL');
    expect(usageError(['--module', 'm.yaml'], { KEYFLOW_PORT_ADMIN: 'admin' }).message).toContain('KEYFLOW_PORT_ADMIN');
    expect(usageError(['--module', 'm.yaml'], { KEYFLOW_MEMORY_STATE: 'maybe' }).message).toContain('KEYFLOW_MEMORY_STATE');
  });

  it.each([
    [['--modul', 'x.yaml']],
    [['--module']],
    [['--module', 'm.yaml', '--port-admin', '70000']],
    [['--module', 'm.yaml', '--retain-checkpoints', '0']],
    [['--module', 'm.yaml', '--compaction-interval', '1.5']],
    [['--module', 'm.yaml', '--max-staged-egress-records', '0']],
  ])('refuses %j', (args) => {
    usageError(args);
  });

  it('serves the admin API beyond loopback only with a token long enough to be safe', () => {
    const refused = (args: readonly string[], env: NodeJS.ProcessEnv = {}): KeyflowError => {
      try {
        parseRunArguments(['--module', 'm.yaml', '--port-admin', '8091', ...args], env);
      } catch (error) {
        return error as KeyflowError;
      }
      throw new Error(`expected ${args.join(' ')} to be refused`);
    };
    const open = refused(['--admin-host', '0.0.0.0']);
    expect(open.code).toBe(RuntimeErrorCodes.ADMIN_TOKEN_REQUIRED);
    expect(open.message).toContain("--admin-host is '0.0.0.0'");
    expect(open.message).toContain('KEYFLOW_ADMIN_TOKEN');
    expect(refused([], { KEYFLOW_ADMIN_HOST: '10.0.0.7' }).message).toContain("KEYFLOW_ADMIN_HOST is '10.0.0.7'");
    const short = refused(['--admin-host', '0.0.0.0'], { KEYFLOW_ADMIN_TOKEN: 'secret' });
    expect(short.code).toBe(RuntimeErrorCodes.ADMIN_TOKEN_REQUIRED);
    expect(short.message).toContain('KEYFLOW_ADMIN_TOKEN is 6 characters long');

    const withToken = parseRunArguments(['--module', 'm.yaml', '--port-admin', '8091', '--admin-host', '0.0.0.0'], { KEYFLOW_ADMIN_TOKEN: 'x'.repeat(16) });
    expect([withToken.adminHost, withToken.adminToken]).toEqual(['0.0.0.0', 'x'.repeat(16)]);
    for (const loopback of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      expect(parseRunArguments(['--module', 'm.yaml', '--port-admin', '0', '--admin-host', loopback], {}).adminToken).toBeUndefined();
    }
    expect(usageError(['--module', 'm.yaml', '--admin-host', '0.0.0.0']).message).toContain('give --port-admin too');
  });

  it('documents every admin route and every variable in the usage', () => {
    for (const route of ['GET  /health', 'GET  /metrics', 'GET  /metrics.json', 'POST /checkpoint', 'POST /savepoint', 'GET  /savepoints/<id>']) {
      expect(RUN_USAGE).toContain(route);
    }
    for (const variable of Object.values(RUN_ENVIRONMENT)) expect(RUN_USAGE).toContain(variable);
  });
});
