import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, startKeyflow, type KeyflowProcess } from '../support/keyflow-process';
import { postUntilAccepted, sleep } from '../support/order-traffic';
import { seededRandom } from '../support/seeded-random';
import {
  CUSTOMERS,
  canonical,
  confirmations,
  egressLines,
  expectedLines,
  interopModule,
  makeOrders,
  ordersPath,
  reports,
  type Order,
} from './interop-workload';
import { SDKS, SDK_NAMES, prepareServices, startService, type FunctionService, type Sdk } from './sdk-services';

// The interop matrix: one workload (e2e/interop-functions/README.md) written with each SDK —
// Keyflow's and the official StateFun 3.3 SDKs for JavaScript, Python, Go and Java — runs as
// remote functions under one `keyflow run` (HTTP ingress, exactly-once file egress), and each
// SDK's egress must equal the exact result, and each SDK's function answers an HTTP request that
// waits for its reply. Once plainly, once with kill -9 of the runtime while
// orders flow in. The README's "Interoperability" table lists what this suite runs.

const SEED = Number(process.env['KEYFLOW_INTEROP_SEED'] ?? 20261203);
interface RunOptions {
  readonly perCustomer: number;
  /**
   * The delay of the `never` messages that the next order cancels. A cancellation that fails
   * shows once this much time has passed, which the run waits for; it must exceed the time
   * between two orders of a customer, restarts of the runtime included.
   */
  readonly neverDelayMs: number;
  /** kill -9 the runtime after each of these numbers of accepted orders. */
  readonly killAfter: readonly number[];
}

async function runWorkload(services: readonly FunctionService[], options: RunOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-interop-'));
  const random = seededRandom(SEED + options.killAfter.length);
  const orders = makeOrders(options.perCustomer, random);
  const ingressPort = await freePort();
  const module = join(dir, 'module.yaml');
  await writeFile(module, interopModule(services, ingressPort, dir));
  const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', '100ms'];
  let keyflow: KeyflowProcess | undefined = await startKeyflow(args);
  try {
    // One lane per SDK and customer posts that customer's orders in order; lanes run in parallel.
    let accepted = 0;
    const killsDue = [...options.killAfter];
    let restarting: Promise<void> | undefined;
    const lanes = SDKS.flatMap((sdk) =>
      CUSTOMERS.map(async (customer) => {
        for (const order of orders.filter((candidate) => candidate.sdk === sdk && candidate.customer === customer)) {
          await postUntilAccepted(() => ingressPort, ordersPath(sdk, customer), `${order.seq}:${order.amount}:${options.neverDelayMs}`, idempotencyKey(order));
          accepted++;
          if (killsDue.length > 0 && accepted >= (killsDue[0] as number) && restarting === undefined) {
            killsDue.shift();
            restarting = (async () => {
              keyflow?.child.kill('SIGKILL');
              await keyflow?.exited;
              keyflow = await startKeyflow(args);
              restarting = undefined;
            })();
          }
        }
      }),
    );
    await Promise.all(lanes);
    while (restarting !== undefined) await restarting;
    expect(killsDue).toEqual([]);

    // Every order is processed once its confirmation is out; a `never` message that a
    // cancellation missed would arrive within neverDelayMs after that.
    await eventually(
      async () => {
        const counts = await Promise.all(SDKS.map(async (sdk) => confirmations(await egressLines(dir, sdk))));
        return counts.every((count) => count >= options.perCustomer * CUSTOMERS.length) ? true : undefined;
      },
      'every order confirmed',
      120_000,
    );
    await sleep(options.neverDelayMs + 1_000);
    // A message without effects, then the reports: they come out only if the runtime took the
    // no-effect replies (the Python SDK's is an empty FromFunction) as StateFun does.
    await Promise.all(
      SDKS.flatMap((sdk) => CUSTOMERS.map((customer) => postUntilAccepted(() => ingressPort, ordersPath(sdk, customer), 'noop', `noop-${sdk}-${customer}`))),
    );
    await Promise.all(
      SDKS.flatMap((sdk) => CUSTOMERS.map((customer) => postUntilAccepted(() => ingressPort, ordersPath(sdk, customer), 'report', `report-${sdk}-${customer}`))),
    );
    await eventually(
      async () => {
        const counts = await Promise.all(SDKS.map(async (sdk) => reports(await egressLines(dir, sdk))));
        return counts.every((count) => count >= CUSTOMERS.length) ? true : undefined;
      },
      'every report',
      60_000,
    );
    // Request/response: each SDK's function answers `ask` by sending to its caller, as it
    // answers any caller; the HTTP ingress answers the waiting request with that message.
    const answers = await Promise.all(
      SDKS.flatMap((sdk) => CUSTOMERS.map(async (customer) => ({ sdk: SDK_NAMES[sdk], answer: await askUntilAnswered(ingressPort, ordersPath(sdk, customer)) }))),
    );
    expect(answers).toEqual(
      SDKS.flatMap((sdk) =>
        CUSTOMERS.map((customer) => {
          const mine = orders.filter((order) => order.sdk === sdk && order.customer === customer);
          return { sdk: SDK_NAMES[sdk], answer: `total:${customer}:${mine.reduce((sum, order) => sum + order.amount, 0)}:${mine.length}` };
        }),
      ),
    );
    const running = keyflow;
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    keyflow = undefined;

    for (const sdk of SDKS) {
      const lines = await egressLines(dir, sdk);
      // The SDK's name in the assertion, so that a failure says whose result was wrong.
      expect({ sdk: SDK_NAMES[sdk], lines: canonical(lines) }).toEqual({ sdk: SDK_NAMES[sdk], lines: expectedLines(sdk, orders) });
    }
    const kills = options.killAfter.length;
    console.log(`interop matrix: ${SDKS.length} SDKs, ${orders.length} orders, ${kills} kill -9s, seed ${SEED}: every SDK's egress exact`);
  } finally {
    keyflow?.child.kill('SIGKILL');
    await keyflow?.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

const idempotencyKey = (order: Order): string => `${order.sdk}-${order.customer}-${order.seq}`;

/** POSTs `ask` to `path`, waiting for the function's answer (Prefer: wait); retries until answered 200. */
async function askUntilAnswered(port: number, path: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: 'ask', headers: { Prefer: 'wait=10' } });
    const body = await response.text();
    if (response.status === 200) return body;
    if (Date.now() > deadline) throw new Error(`${path} ask was not answered: ${response.status} ${body}`);
    await sleep(100);
  }
}

describe('the StateFun SDK matrix under keyflow run', () => {
  const services: FunctionService[] = [];

  beforeAll(async () => {
    // A cold machine downloads the Python, Go and Java SDKs here (about 1-2 minutes); then cached.
    const commands = await prepareServices();
    services.push(...(await Promise.all(SDKS.map((sdk: Sdk) => startService(sdk, commands[sdk])))));
  }, 600_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
  });

  it('gives every SDK the exact result', () => runWorkload(services, { perCustomer: 5, neverDelayMs: 3_000, killAfter: [] }), 180_000);

  it('gives every SDK the exact result through kill -9 of the runtime', () =>
    runWorkload(services, { perCustomer: 14, neverDelayMs: 30_000, killAfter: [40, 110, 180, 240] }), 300_000);
});
