import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFLOW_CLI, ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';

// A user's function throws on one order. The runtime goes on with the customer's next orders,
// parks the bad one, keeps it through kill -9, and delivers it once the fix is in and the user
// runs keyflow messages retry — each order in the exactly-once egress once.

const FIXTURES = join(__dirname, 'fixtures');

function keyflow(args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [KEYFLOW_CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KEYFLOW_LOG_LEVEL: 'warn' } });
  return { status: result.status, output: `${String(result.stdout)}${String(result.stderr)}` };
}

describe('a poison message', () => {
  let dir: string;
  let running: KeyflowProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-poison-'));
  });
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('is parked, survives kill -9, and is delivered once by keyflow messages retry after the fix', async () => {
    const [ingressPort, adminPort] = [await freePort(), await freePort()];
    const egressPath = join(dir, 'out.jsonl');
    const fixedFile = join(dir, 'fixed');
    const module = join(dir, 'module.yaml');
    await writeFile(
      module,
      `kind: io.keyflow.endpoints.v1/embedded
spec:
  functions: poison/*
  module: ${join(FIXTURES, 'poison-functions.ts')}
  onFailure: { retryFor: 600ms, then: park }
---
kind: io.keyflow.http.v1/ingress
spec:
  id: poison/http
  port: ${ingressPort}
  routes:
    - path: /orders
      valueType: io.statefun.types/string
      targets: [poison/orders]
---
kind: io.keyflow.file.v1/egress
spec:
  id: poison/out
  path: ${egressPath}
  deliverySemantic: exactly-once
`,
    );
    const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', '200ms', '--port-admin', String(adminPort)];
    const env = { POISON_FIXED_FILE: fixedFile };
    const admin = `http://127.0.0.1:${adminPort}`;
    const lines = async () => (await readFile(egressPath, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { value: string }).value);
    const post = (order: string) => fetch(`http://127.0.0.1:${ingressPort}/orders/c1`, { method: 'POST', body: order }).then((response) => response.status);

    running = await startKeyflow(args, 30_000, env);
    for (const order of ['o-1', 'poison-2', 'o-3']) expect(await post(order)).toBe(202);
    await eventually(async () => ((await lines()).length >= 2 ? true : undefined), 'the orders after the poison one');
    expect(await lines()).toEqual(['c1:o-1#1', 'c1:o-3#2']);
    const listed = keyflow(['messages', 'list', '--admin', admin]);
    expect(listed.status).toBe(0);
    expect(listed.output).toContain('#1  poison/orders/c1');
    expect(listed.output).toContain(`argument: "poison-2"`);
    expect(listed.output).toContain("cannot parse order 'poison-2'");
    expect(running.child.exitCode).toBeNull();

    // A checkpoint after the parking, then kill -9.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    running.child.kill('SIGKILL');
    await running.exited;
    running = await startKeyflow(args, 30_000, env);
    expect(keyflow(['messages', 'list', '--admin', admin]).output).toContain('#1  poison/orders/c1');

    // The fix is in: retry delivers it, once.
    await writeFile(fixedFile, 'yes');
    const retried = keyflow(['messages', 'retry', '1', '--admin', admin]);
    expect(retried).toEqual({ status: 0, output: 'Delivering again: parked message 1 to poison/orders/c1.\n' });
    await eventually(async () => ((await lines()).length >= 3 ? true : undefined), 'the retried order');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await lines()).toEqual(['c1:o-1#1', 'c1:o-3#2', 'c1:poison-2#3']);
    expect(keyflow(['messages', 'list', '--admin', admin]).output).toBe('No parked messages.\n');
    expect(keyflow(['messages', 'drop', '1', '--admin', admin]).output).toContain('KF_ADMIN_NOT_FOUND');
  }, 120_000);
});
