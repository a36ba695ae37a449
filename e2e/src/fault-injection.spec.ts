import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createStream, readStream, startKinesalite } from '../../packages/connectors/test/support/kinesis-helpers';
import { LocalS3 } from '../../packages/runtime/test/support/s3-server';
import { ROOT, freePort, startKeyflow, type KeyflowProcess } from './support/keyflow-process';
import { egressLines, postUntilAccepted, sleep } from './support/order-traffic';
import { seededRandom } from './support/seeded-random';
import { slowProxy } from './support/slow-proxy';

// A seeded workload of deposits, some of them poison, while faults land at random moments:
// kill -9 of the runtime, kill -9 of the remote function service, the S3 checkpoint store
// unreachable for a while, a full disk under the HTTP ingress's log for a while (a small tmpfs
// in a mount namespace that a holder process keeps, so that it outlives each runtime), and a slow
// egress for a while (a proxy in front of kinesalite holds each request of the Kinesis egress). At the end every accepted deposit is in the exactly-once egress once,
// in order per account with the right count, or parked if it was poison; nothing else is parked;
// and every good deposit reached the Kinesis stream (at-least-once: duplicates are counted).
// KEYFLOW_FAULT_SEED and KEYFLOW_FAULTS change the run.

const SEED = Number(process.env['KEYFLOW_FAULT_SEED'] ?? 20261204);
const FAULTS = Number(process.env['KEYFLOW_FAULTS'] ?? 25);
const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
const MIN_DEPOSITS = 150;
/** Every this many deposits one is poison. */
const POISON_EVERY = 97;
const FIXTURES = join(__dirname, 'fixtures');
/** KEYFLOW_FAULT_TRACE=1 prints each fault as it lands. */
const trace = (line: string): void => {
  if (process.env['KEYFLOW_FAULT_TRACE']) process.stderr.write(`[faults ${new Date().toISOString().slice(11, 23)}] ${line}\n`);
};
const TSCONFIG = join(__dirname, '..', 'tsconfig.json');

type FaultKind = 'kill -9 runtime' | 'kill -9 function service' | 'S3 unreachable' | 'full disk' | 'slow egress';

interface Deposit {
  readonly account: string;
  readonly seq: number;
  readonly poison: boolean;
}

/** The function service on `port`; rejects when it exits before it serves. */
function startService(port: number): Promise<{ readonly child: ChildProcess; readonly exited: Promise<void> }> {
  const child = spawn(process.execPath, ['--conditions=@keyflow/source', '--require', 'tsx/cjs', join(FIXTURES, 'serve-fault-functions.ts'), String(port)], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve({ child, exited }));
    void exited.then(() => reject(new Error(`the function service on port ${port} exited before it served`)));
  });
}

function moduleYaml(functionPort: number, ingressPort: number, egressPath: string, kinesisEndpoint: string): string {
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
---
kind: io.statefun.kinesis.v1/egress
spec:
  id: fault/kinesis
  awsRegion: { type: custom-endpoint, endpoint: "${kinesisEndpoint}", id: us-east-1 }
  awsCredentials: { type: basic, accessKeyId: test, secretAccessKey: test }
`;
}

/**
 * A tmpfs of `size` on `folder`, in a user and mount namespace of its own (no privileges needed)
 * that lives until `close`: processes started with `launcher` see it, and `fill` / `free` fill
 * it to the last byte and empty it again.
 */
async function smallDisk(folder: string, size: string) {
  const holder = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=${size} tmpfs "$1" && echo ready && exec sleep infinity`, 'sh', folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`could not mount a tmpfs on ${folder} in a namespace of its own (exit ${code})`)));
  });
  const launcher = ['nsenter', '--target', String(holder.pid), '--user', '--mount', '--preserve-credentials'];
  const inside = (script: string) => promisify(execFile)(launcher[0] as string, [...launcher.slice(1), 'sh', '-c', script, 'sh', folder]);
  return {
    launcher,
    fill: () => inside('dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null; true'),
    free: () => inside('rm -f "$1/filler"'),
    close: () => holder.kill('SIGKILL'),
  };
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
    const kinesis = await startKinesalite();
    await createStream(kinesis, 'deposits', 2);
    const kinesisProxy = await slowProxy(kinesis.endpoint);
    const [functionPort, ingressPort, adminPort] = [await freePort(), await freePort(), await freePort()];
    const egressPath = join(dir, 'out.jsonl');
    const module = join(dir, 'module.yaml');
    await writeFile(module, moduleYaml(functionPort, ingressPort, egressPath, kinesisProxy.endpoint));
    const ingressLog = join(dir, 'state', 'ingress');
    await mkdir(ingressLog, { recursive: true });
    const disk = await smallDisk(ingressLog, '8m');
    const args = ['--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-dir', `s3://${s3.bucket}/faults`, '--checkpoint-interval', '200ms', '--port-admin', String(adminPort)];
    const env = { KEYFLOW_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey };
    const admin = `http://127.0.0.1:${adminPort}`;
    let service = await startService(functionPort);
    // From the e2e project, whose package.json brings the connectors' Kinesis kinds.
    const e2eProject = join(ROOT, 'e2e');
    const start = () => startKeyflow(args, 30_000, env, [...disk.launcher, `--wd=${e2eProject}`], e2eProject);
    let keyflow: KeyflowProcess | undefined = await start();
    const injected: FaultKind[] = [];
    try {
      // Each kind as often as the others, in a seeded order.
      const kinds: FaultKind[] = ['kill -9 runtime', 'kill -9 function service', 'S3 unreachable', 'full disk', 'slow egress'];
      const schedule = Array.from({ length: FAULTS }, (_, index) => kinds[index % kinds.length] as FaultKind).sort(() => random() - 0.5);
      const deposits: Deposit[] = [];
      let faultsDone = false;
      let injectorFailed = false;
      const injector = (async () => {
        for (const kind of schedule) {
          await sleep(200 + Math.floor(random() * 500));
          trace(`${kind} (${deposits.length} accepted so far)`);
          if (kind === 'kill -9 runtime') {
            keyflow?.child.kill('SIGKILL');
            await keyflow?.exited;
            keyflow = await start();
          } else if (kind === 'kill -9 function service') {
            service.child.kill('SIGKILL');
            await service.exited;
            await sleep(100 + Math.floor(random() * 600));
            service = await startService(functionPort);
          } else if (kind === 'S3 unreachable') {
            await s3.pause();
            await sleep(300 + Math.floor(random() * 900));
            await s3.resume();
          } else if (kind === 'full disk') {
            await disk.fill();
            await sleep(300 + Math.floor(random() * 900));
            await disk.free();
          } else {
            kinesisProxy.delayMs = 200 + Math.floor(random() * 400);
            await sleep(800 + Math.floor(random() * 1_200));
            kinesisProxy.delayMs = 0;
          }
          injected.push(kind);
        }
        faultsDone = true;
      })().catch((error: unknown) => {
        injectorFailed = true;
        throw error;
      });
      const client = (async () => {
        for (let seq = 1; (seq <= MIN_DEPOSITS || !faultsDone) && !injectorFailed; seq++) {
          const deposit: Deposit = { account: ACCOUNTS[Math.floor(random() * ACCOUNTS.length)] as string, seq, poison: seq % POISON_EVERY === 0 };
          await postUntilAccepted(() => ingressPort, `/deposits/${deposit.account}`, `${deposit.poison ? 'poison:' : ''}${seq}`, `d-${seq}`);
          deposits.push(deposit);
          await sleep(10);
        }
      })();
      await Promise.all([injector, client]);

      const good = deposits.filter((deposit) => !deposit.poison);
      const poison = deposits.filter((deposit) => deposit.poison);
      // Wait for the last deposits (and the parking of the last poison ones), then compare what is there.
      let parked: string[] = [];
      for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
        parked = await parkedTexts(admin).catch(() => parked);
        const streamed = new Set((await readStream(kinesis, 'deposits').catch(() => [])).map((record) => record.value));
        if ((await egressLines(egressPath)).length >= good.length && parked.length >= poison.length && streamed.size >= good.length) break;
        await sleep(200);
      }
      await sleep(500); // anything doubled would show up by now
      const final = await egressLines(egressPath);
      const streamed = (await readStream(kinesis, 'deposits')).map((record) => record.value);
      const notStreamed = good.filter((deposit) => !streamed.includes(`${deposit.account}:${deposit.seq}`));
      const streamedTwice = streamed.length - new Set(streamed).size;

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
          .join(', ')}), ${deposits.length} messages accepted, lost: ${missing.length}, doubled: ${doubled.length}, parked: ${parked.length} (${poison.length} poison sent); ` +
          `Kinesis (at-least-once): ${streamed.length} records, missing: ${notStreamed.length}, repeated: ${streamedTwice}`,
      );
      expect({ missing: missing.slice(0, 10), doubled: doubled.slice(0, 10), notStreamed: notStreamed.slice(0, 10) }).toEqual({ missing: [], doubled: [], notStreamed: [] });
      expect(streamed.filter((value) => value.includes('poison'))).toEqual([]);
      expect(perAccount(final)).toEqual(expected);
      expect(parked).toEqual(poison.map((deposit) => `poison:${deposit.seq}`).sort());
      expect(injected.length).toBeGreaterThanOrEqual(20);
      expect(new Set(injected).size).toBe(5);
      keyflow.child.kill('SIGTERM');
      expect(await keyflow.exited).toBe(0);
    } finally {
      keyflow?.child.kill('SIGKILL');
      service.child.kill('SIGKILL');
      disk.close();
      await s3.stop();
      await kinesisProxy.close();
      await kinesis.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
