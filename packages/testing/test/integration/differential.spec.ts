import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { egressRecordToJson } from '@keyflow/runtime';
import { TestKit } from '../../src';
import { DiffAccount, DiffAuditor } from '../fixtures/differential-functions';
import { seededWorkload, type WorkloadMessage } from '../support/seeded-workload';
import { freePort } from '@keyflow/runtime/test-support';

// The same seeded workload through the test kit and through `keyflow run` (the built CLI, a
// spawned process with an HTTP ingress and a file egress, the functions embedded from the same
// module): both must give the same egress records, in the same order. The kit finishes each
// message before the next; so that the order across addresses is the same, the test waits for
// each message's records in the file before it posts the next.

const ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'packages', 'runtime', 'dist', 'cli', 'main.js');
const FUNCTIONS = join(__dirname, '..', 'fixtures', 'differential-functions.ts');
const SEED = 20_261_203;

jest.setTimeout(120_000);

describe('the test kit and keyflow run', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-testkit-diff-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('give the same egress for a seeded workload', async () => {
    const workload = seededWorkload(SEED, 80, 5);
    const expected = await throughKit(workload);
    const actual = await throughKeyflowRun(workload, dir, expected.countAfter);
    expect(expected.lines.length).toBeGreaterThan(workload.length * 2); // accounts, auditors and bonuses all wrote
    expect(actual).toEqual(expected.lines);
  });
});

/** The kit's records as the file egress writes them, and how many there were after each message. */
async function throughKit(workload: readonly WorkloadMessage[]): Promise<{ lines: string[]; countAfter: number[] }> {
  const kit = await TestKit.start({ functions: [DiffAccount, DiffAuditor], egresses: ['diff/out'] });
  try {
    const countAfter: number[] = [];
    for (const { account, amount } of workload) {
      await kit.send({ typename: 'diff/account', id: account }, amount);
      countAfter.push(kit.egress('diff/out').records().length);
    }
    const lines = kit
      .egress('diff/out')
      .records()
      .map((value) => JSON.stringify(egressRecordToJson({ egress: 'diff/out', value })));
    return { lines, countAfter };
  } finally {
    await kit.close();
  }
}

async function throughKeyflowRun(workload: readonly WorkloadMessage[], dir: string, countAfter: readonly number[]): Promise<string[]> {
  const port = await freePort();
  const out = join(dir, 'out.jsonl');
  const module = join(dir, 'module.yaml');
  await writeFile(
    module,
    [
      'kind: io.keyflow.endpoints.v1/embedded',
      'spec:',
      '  functions: diff/*',
      `  module: ${FUNCTIONS}`,
      '---',
      'kind: io.keyflow.http.v1/ingress',
      'spec:',
      '  id: diff/http',
      `  port: ${port}`,
      '  routes:',
      '    - path: /account',
      '      valueType: io.statefun.types/string',
      '      targets: [diff/account]',
      '---',
      'kind: io.keyflow.file.v1/egress',
      'spec:',
      '  id: diff/out',
      `  path: ${out}`,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [CLI, 'run', '--module', module, '--state-dir', join(dir, 'state')], {
    cwd: ROOT,
    env: { ...process.env, KEYFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await until(() => output.includes('Keyflow is running'), () => `keyflow run did not start:\n${output}`, child);
    let lines: string[] = [];
    for (const [index, { account, amount }] of workload.entries()) {
      const response = await fetch(`http://127.0.0.1:${port}/account/${account}`, { method: 'POST', body: amount });
      expect(response.status).toBe(202);
      const expected = countAfter[index] ?? 0;
      await until(
        async () => (lines = await readLines(out)).length >= expected,
        () => `after message ${index + 1} the file egress has ${lines.length} of ${expected} records:\n${output}`,
        child,
      );
    }
    // Nothing more comes: the kit would have shown it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return readLines(out);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

async function until(check: () => boolean | Promise<boolean>, failure: () => string, child: { exitCode: number | null }, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

