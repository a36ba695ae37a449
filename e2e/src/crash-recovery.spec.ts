import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';
import { egressLines, postUntilAccepted, sleep } from './support/order-traffic';
import { seededRandom } from './support/seeded-random';

// kill -9 of the runtime at random moments while orders flow in; after every restart the run
// goes on, and at the end the egress and the state equal an exact model: nothing lost,
// nothing doubled. Run with functions embedded and with functions in a separate process that
// survives the runtime's crashes. KEYFLOW_CRASH_SEED and KEYFLOW_CRASH_KILLS change the run.

const SEED = Number(process.env['KEYFLOW_CRASH_SEED'] ?? 20261122);
const KILLS = Number(process.env['KEYFLOW_CRASH_KILLS'] ?? 12);
const CUSTOMERS = ['c0', 'c1', 'c2', 'c3'];
const ORDERS = 240;
const FIXTURES = join(__dirname, 'fixtures');
const TSCONFIG = join(__dirname, '..', 'tsconfig.json');

interface Order {
  readonly customer: string;
  readonly seq: number;
  readonly amount: number;
}

function moduleYaml(endpoint: string, ingressPort: number, egressPath: string): string {
  return `${endpoint}
---
kind: io.keyflow.http.v1/ingress
spec:
  id: crash/http
  port: ${ingressPort}
  routes:
    - path: /orders
      valueType: io.statefun.types/string
      targets: [crash/customer]
---
kind: io.keyflow.file.v1/egress
spec:
  id: crash/out
  path: ${egressPath}
  deliverySemantic:
    type: exactly-once
`;
}

/** Checks the egress against the orders sent; returns a summary. */
function verify(lines: readonly string[], orders: readonly Order[]): string {
  const seen = new Map<string, number>();
  for (const line of lines) seen.set(line, (seen.get(line) ?? 0) + 1);
  const doubled = [...seen].filter(([, count]) => count > 1).map(([line]) => line);
  expect(doubled).toEqual([]);
  expect(lines.filter((line) => line.startsWith('never:'))).toEqual([]);
  let expected = 0;
  for (const customer of CUSTOMERS) {
    const mine = orders.filter((order) => order.customer === customer);
    const audits = lines.filter((line) => line.startsWith(`audit:${customer}:`)).map((line) => line.split(':'));
    expect(audits.map((parts) => Number(parts[2])).sort((a, b) => a - b)).toEqual(mine.map((order) => order.seq).sort((a, b) => a - b));
    expect(audits.map((parts) => Number(parts[3])).sort((a, b) => a - b)).toEqual(mine.map((_, index) => index + 1));
    const confirms = lines.filter((line) => line.startsWith(`confirm:${customer}:`)).map((line) => Number(line.split(':')[2]));
    expect(confirms.sort((a, b) => a - b)).toEqual(mine.map((order) => order.seq).sort((a, b) => a - b));
    const total = mine.reduce((sum, order) => sum + order.amount, 0);
    expect(lines.filter((line) => line.startsWith(`report:${customer}:`))).toEqual([`report:${customer}:${total}:${mine.length}`]);
    // Map state: every order's amount, minus those a seventh order deleted; list state: every seq, in order.
    const kept = mine.filter((order) => !mine.some((later) => later.seq % 7 === 0 && later.seq - CUSTOMERS.length === order.seq));
    const entries = kept
      .map((order) => [String(order.seq), `${order.seq}=${order.amount}`] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)) // map state lists its keys in string order
      .map(([, entry]) => entry);
    const seqs = [...mine].sort((a, b) => a.seq - b.seq).map((order) => order.seq);
    expect(lines.filter((line) => line.startsWith(`collections:${customer}:`))).toEqual([`collections:${customer}:${entries.join(',')}:${seqs.join(',')}`]);
    expected += mine.length * 2 + 2;
  }
  expect(lines).toHaveLength(expected);
  return `${lines.length} egress records, 0 lost, 0 doubled`;
}

async function crashRun(mode: 'embedded' | 'remote'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `keyflow-crash-${mode}-`));
  const random = seededRandom(SEED + (mode === 'remote' ? 1 : 0));
  const ingressPort = await freePort();
  const egressPath = join(dir, 'out.jsonl');
  let service: ChildProcess | undefined;
  let keyflow: KeyflowProcess | undefined;
  try {
    let endpoint: string;
    if (mode === 'embedded') {
      endpoint = `kind: io.keyflow.endpoints.v1/embedded\nspec:\n  functions: crash/*\n  module: ${join(FIXTURES, 'crash-functions.ts')}`;
    } else {
      const functionPort = await freePort();
      service = spawn(process.execPath, ['--conditions=@keyflow/source', '--require', 'tsx/cjs', join(FIXTURES, 'serve-crash-functions.ts'), String(functionPort)], {
        cwd: ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => service?.stdout?.once('data', () => resolve()));
      endpoint = `kind: io.statefun.endpoints.v2/http\nspec:\n  functions: crash/*\n  urlPathTemplate: http://127.0.0.1:${functionPort}/statefun`;
    }
    const module = join(dir, 'module.yaml');
    await writeFile(module, moduleYaml(endpoint, ingressPort, egressPath));
    const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', '100ms'];
    keyflow = await startKeyflow(args);

    const orders: Order[] = [];
    let kills = 0;
    let clientDone = false;
    const killer = (async () => {
      while (kills < KILLS) {
        await sleep(150 + Math.floor(random() * 400));
        keyflow?.child.kill('SIGKILL');
        await keyflow?.exited;
        kills++;
        keyflow = await startKeyflow(args);
      }
    })();
    const client = (async () => {
      for (let seq = 1; seq <= ORDERS; seq++) {
        const order: Order = { customer: CUSTOMERS[seq % CUSTOMERS.length] as string, seq, amount: 1 + Math.floor(random() * 100) };
        await postUntilAccepted(() => ingressPort, `/orders/${order.customer}`, `${order.seq}:${order.amount}`, `${order.customer}-${order.seq}`);
        orders.push(order);
        await sleep(15);
        // Keep orders flowing until the killer is done, so kills land mid-traffic.
        if (seq === ORDERS && kills < KILLS) await killer;
      }
      clientDone = true;
    })();
    await Promise.all([killer, client]);
    expect(clientDone).toBe(true);
    expect(kills).toBe(KILLS);

    for (const customer of CUSTOMERS) await postUntilAccepted(() => ingressPort, `/orders/${customer}`, 'report', `report-${customer}`);
    const lines = await eventually(
      async () => {
        const current = await egressLines(egressPath);
        const reports = current.filter((line) => line.startsWith('report:')).length;
        const confirms = current.filter((line) => line.startsWith('confirm:')).length;
        return reports === CUSTOMERS.length && confirms >= orders.length ? current : undefined;
      },
      'all reports and confirmations',
      30_000,
    );
    keyflow.child.kill('SIGTERM');
    expect(await keyflow.exited).toBe(0);
    const summary = verify(await egressLines(egressPath), orders);
    console.log(`crash test (${mode}): seed ${SEED}, ${kills} kill -9s, ${orders.length} orders: ${summary}`);
    expect(lines.length).toBeGreaterThan(0);
  } finally {
    keyflow?.child.kill('SIGKILL');
    service?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

describe('kill -9 at random moments', () => {
  it('loses nothing and doubles nothing with embedded functions', () => crashRun('embedded'), 180_000);
  it('loses nothing and doubles nothing with remote functions that survive the crashes', () => crashRun('remote'), 180_000);
});
