import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, egressMessage, type Context } from '@keyflow/sdk';
import type { DeliverySemantic, FileEgressConfig } from '../../src/config/module-config';
import { FileEgress } from '../../src/egress/file-egress';
import { TransactionalFileEgress } from '../../src/egress/transactional-file-egress';
import { capturedLogs } from '../../src/test-support/captured-logs';
import type { HttpIngress } from '../../src/ingress/http-ingress';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { emptyModule } from '../../src/test-support/empty-module';
import { httpSend } from '../../src/test-support/http-post';
import { slowEgressSink } from '../../src/test-support/slow-egress-sink';

// An egress slower than processing: a real file egress that takes 2 ms per record (500 records/s)
// behind a real HTTP ingress fed by 16 concurrent producers. The staged records must stay near
// their bound, the ingress must pause (503) and resume, and every message must come out once.

@StatefulFunction('bp/echo')
class Echo {
  apply(ctx: Context<Echo>): void {
    ctx.send(egressMessage({ egress: 'bp/out', value: ctx.self.id, type: Types.string }));
  }
}

const MESSAGES = 1_500;
const PRODUCERS = 16;
const MAX_STAGED = 100;
/** Messages already being processed when the bound is reached still emit: at most one per producer's request, and a few more. */
const OVERSHOOT = PRODUCERS * 2;

describe('egress backpressure', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-egress-bp-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(semantic: DeliverySemantic, checkpointIntervalMs: number) {
    const path = join(dir, 'out.jsonl');
    const config: FileEgressConfig = { kind: 'file-egress', source: { file: 'test', line: 1 }, id: 'bp/out', path, deliverySemantic: semantic };
    const file = semantic === 'exactly-once' ? new TransactionalFileEgress(config) : new FileEgress({ ...config, deliverySemantic: semantic });
    const sink = slowEgressSink(file, 2);
    const { logger, lines } = capturedLogs();
    const runtime = await KeyflowRuntime.start({
      module: emptyModule({
        httpIngresses: [
          {
            kind: 'http-ingress',
            source: { file: 'module.yaml', line: 1 },
            id: 'bp/http',
            host: '127.0.0.1',
            port: 0,
            routes: [{ path: '/echo', valueType: Types.string.typename, targets: ['bp/echo'] }],
            idempotencyWindowMs: 60_000,
            maxBodyBytes: 1_024,
            replyRetentionMs: 60_000,
            maxKeptReplies: 100_000,
          },
        ],
      }),
      stateDir: join(dir, 'state'),
      functions: [Echo],
      egresses: [sink],
      logger,
      checkpointIntervalMs,
      maxStagedEgressRecords: MAX_STAGED,
    });
    const port = (runtime.ingresses[0] as HttpIngress).address.port;

    let next = 0;
    let busyReplies = 0;
    const producer = async (): Promise<void> => {
      for (let id = next++; id < MESSAGES; id = next++) {
        for (;;) {
          const reply = await httpSend(`http://127.0.0.1:${port}/echo/m${id}`, { body: 'x' });
          if (reply.status === 202) break;
          expect(reply.json['code']).toBe('KF_INGRESS_UNAVAILABLE');
          busyReplies++;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    };
    await Promise.all(Array.from({ length: PRODUCERS }, producer));
    await runtime.whenIdle();
    const stats = runtime.stats();
    await runtime.stop();

    const written = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { value: string }).value);
    return { written, busyReplies, stats, lines };
  }

  function expectBackpressure(result: Awaited<ReturnType<typeof run>>): void {
    const { written, busyReplies, stats, lines } = result;
    // Nothing lost, nothing doubled.
    expect(written).toHaveLength(MESSAGES);
    expect(new Set(written).size).toBe(MESSAGES);
    // Bounded: the staged records stayed near the bound, far below the 1,500 a free run would stage.
    expect(stats.egressBacklog.peakRecords).toBeGreaterThanOrEqual(MAX_STAGED);
    expect(stats.egressBacklog.peakRecords).toBeLessThanOrEqual(MAX_STAGED + OVERSHOOT);
    // Ingress paused (the HTTP ingress answered 503) and resumed (everything was accepted).
    expect(busyReplies).toBeGreaterThan(0);
    expect(stats.egressBacklog.timesFull).toBeGreaterThanOrEqual(1);
    const paused = lines.filter((line) => line.msg.startsWith('egress is slower than processing'));
    const resumed = lines.filter((line) => line.msg.startsWith('egress backlog drained'));
    expect(paused).toHaveLength(stats.egressBacklog.timesFull);
    expect(resumed.length).toBeGreaterThanOrEqual(paused.length - 1);
    expect(paused[0]).toMatchObject({ level: 'warn', maxStagedRecords: MAX_STAGED });
  }

  it('at-least-once: holds input while a slow file egress catches up, and loses nothing', async () => {
    expectBackpressure(await run('at-least-once', 1_000));
  }, 60_000);

  it('exactly-once: commits early checkpoints to drain the staged records, and each record appears once', async () => {
    // No periodic checkpoint within the run: only the checkpoints the full backlog asks for drain it.
    const result = await run('exactly-once', 600_000);
    expectBackpressure(result);
    expect(result.stats.lastCheckpointId).toBeGreaterThanOrEqual(Math.floor(MESSAGES / MAX_STAGED) - 1);
  }, 60_000);
});
