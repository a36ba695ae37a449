import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalS3 } from '../../packages/runtime/test/support/s3-server';
import { ROOT, eventually, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';
import { egressLines, postUntilAccepted, sleep } from './support/order-traffic';
import { seededRandom } from './support/seeded-random';

// A seeded workload of deposits, some of them poison, while faults land at random moments:
// kill -9 of the runtime, kill -9 of the remote function service, and the S3 checkpoint store
// unreachable for a while. At the end every accepted deposit is in the exactly-once egress once,
// in order per account with the right count, or parked if it was poison; nothing else is parked.
// KEYFLOW_FAULT_SEED and KEYFLOW_FAULTS change the run.

const SEED = Number(process.env['KEYFLOW_FAULT_SEED'] ?? 20261204);
const FAULTS = Number(process.env['KEYFLOW_FAULTS'] ?? 24);
const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
const MIN_DEPOSITS = 150;
/** Every this many deposits one is poison. */
const POISON_EVERY = 23;
const FIXTURES = join(__dirname, 'fixtures');
const TSCONFIG = join(__dirname, '..', 'tsconfig.json');

type FaultKind = 'kill -9 runtime' | 'kill -9 function service' | 'S3 unreachable';

interface Deposit {
  readonly account: string;
  readonly seq: number;
  readonly poison: boolean;
}

function startService(port: number): Promise<ChildProcess> {
  const service = spawn(process.execPath, ['--conditions=@keyflow/source', '--require', 'tsx/cjs', join(FIXTURES, 'serve-fault-functions.ts'), String(port)], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => service.stdout?.once('data', () => resolve(service)));
}

function moduleYaml(functionPort: number, ingressPort: number, egressPath: string): string {
  return `kind: io.statefun.endpoints.v2/http
spec:
  functions: fault/*
  urlPathTemplate: http://127.0.0.1:${functionPort}/statefun
  transport: { call: 2s, connect: 200ms }
  onFailure: { retryFor: 5s, then: park }
---
kind: io.keyflow.http.v1/ingress
spec:
  id: fault/http
  port: ${ingressPort}
  routes:
    - path: /deposits
      valueType: io.statefun.types/string
      targets: [fault/account]
---
kind: io.keyflow.file.v1/egress
spec:
  id: fault/out
  path: ${egressPath}
  deliverySemantic: exactly-once
`;
}

/** Parked messages as the admin API lists them: the poison deposits' texts. */
async function parkedTexts(admin: string): Promise<string[]> {
  const response = await fetch(`${admin}/messages/parked`);
  const { messages } = (await response.json()) as { messages: { argument: { value: unknown } }[] };
  return messages.map((message) => String(message.argument.value)).sort();
}

describe('fault injection', () => {
  it(`processes every accepted message exactly once or parks it, through ${FAULTS} faults`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyflow-faults-'));
    const random = seededRandom(SEED);
    const s3 = await LocalS3.start();
    const [functionPort, ingressPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    const egressPath = join(dir, 'out.jsonl');
    const module = join(dir, 'module.yaml');
    await writeFile(module, moduleYaml(functionPort, ingressPort, egressPath));
    const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-dir', `s3://${s3.bucket}/faults`, '--checkpoint-interval', '200ms', '--port-admin', String(adminPort)];
    const env = { KEYFLOW_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey };
    const admin = `http://127.0.0.1:${adminPort}`;
    let service = await startService(functionPort);
    let keyflow: KeyflowProcess | undefined = await startKeyflow(args, 30_000, env);
    const injected: FaultKind[] = [];
    try {
      // Each kind a third of the time, in a seeded order.
      const kinds: FaultKind[] = ['kill -9 runtime', 'kill -9 function service', 'S3 unreachable'];
      const schedule = Array.from({ length: FAULTS }, (_, index) => kinds[index % kinds.length] as FaultKind).sort(() => random() - 0.5);
      const deposits: Deposit[] = [];
      let faultsDone = false;
      const injector = (async () => {
        for (const kind of schedule) {
          await sleep(200 + Math.floor(random() * 500));
          if (kind === 'kill -9 runtime') {
            keyflow?.child.kill('SIGKILL');
            await keyflow?.exited;
            keyflow = await startKeyflow(args, 30_000, env);
          } else if (kind === 'kill -9 function service') {
            service.kill('SIGKILL');
            await sleep(100 + Math.floor(random() * 600));
            service = await startService(functionPort);
          } else {
            await s3.pause();
            await sleep(300 + Math.floor(random() * 900));
            await s3.resume();
          }
          injected.push(kind);
        }
        faultsDone = true;
      })();
      const client = (async () => {
        for (let seq = 1; seq <= MIN_DEPOSITS || !faultsDone; seq++) {
          const deposit: Deposit = { account: ACCOUNTS[Math.floor(random() * ACCOUNTS.length)] as string, seq, poison: seq % POISON_EVERY === 0 };
          await postUntilAccepted(() => ingressPort, `/deposits/${deposit.account}`, `${deposit.poison ? 'poison:' : ''}${seq}`, `d-${seq}`);
          deposits.push(deposit);
          await sleep(10);
        }
      })();
      await Promise.all([injector, client]);

      const good = deposits.filter((deposit) => !deposit.poison);
      const poison = deposits.filter((deposit) => deposit.poison);
      const lines = await eventually(async () => {
        const current = await egressLines(egressPath);
        return current.length >= good.length ? current : undefined;
      }, 'every good deposit in the egress', 60_000);
      const parked = await eventually(async () => {
        const texts = await parkedTexts(admin);
        return texts.length >= poison.length ? texts : undefined;
      }, 'every poison deposit parked', 60_000);
      await sleep(500); // anything doubled would show up by now
      const final = await egressLines(egressPath);

      const doubled = final.filter((line, index) => final.indexOf(line) !== index);
      const missing = good.filter((deposit) => !final.some((line) => line.startsWith(`${deposit.account}:${deposit.seq}#`)));
      const expected = ACCOUNTS.flatMap((account) =>
        good.filter((deposit) => deposit.account === account).map((deposit, index) => `${account}:${deposit.seq}#${index + 1}`),
      );
      const perAccount = (values: readonly string[]) => ACCOUNTS.flatMap((account) => values.filter((line) => line.startsWith(`${account}:`)));
      const counts = injected.reduce<Record<string, number>>((all, kind) => ({ ...all, [kind]: (all[kind] ?? 0) + 1 }), {});
      console.log(
        `fault injection: seed ${SEED}, ${injected.length} faults (${Object.entries(counts)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', ')}), ${deposits.length} messages accepted, lost: ${missing.length}, doubled: ${doubled.length}, parked: ${parked.length} (${poison.length} poison sent)`,
      );
      expect({ missing: missing.slice(0, 10), doubled: doubled.slice(0, 10) }).toEqual({ missing: [], doubled: [] });
      expect(perAccount(final)).toEqual(expected);
      expect(final).toHaveLength(lines.length);
      expect(parked).toEqual(poison.map((deposit) => `poison:${deposit.seq}`).sort());
      expect(injected.length).toBeGreaterThanOrEqual(20);
      expect(new Set(injected).size).toBe(3);
      keyflow.child.kill('SIGTERM');
      expect(await keyflow.exited).toBe(0);
    } finally {
      keyflow?.child.kill('SIGKILL');
      service.kill('SIGKILL');
      await s3.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
