import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, ValueSpec, egressMessage, silentLogger, type Context } from '@keyflow/sdk';
import type { Ingress, IngressCheckpoint, IngressContext } from '../../src/ingress/ingress';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';

// In-process functions answer through promises alone. A runtime kept busy by them must still
// let the event loop turn: timers (checkpoints, delayed messages) and sockets must be served.

@StatefulFunction('busy/counter')
class BusyCounter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<BusyCounter>): void {
    ctx.storage.count = (ctx.storage.count ?? 0) + 1;
    ctx.send(egressMessage({ egress: 'busy/out', value: 1, type: Types.int }));
  }
}

/** Feeds `total` messages as fast as backpressure allows. */
class FloodIngress implements Ingress {
  readonly id = 'busy/flood';
  sent = 0;

  constructor(private readonly total: number) {}

  async start(context: IngressContext): Promise<void> {
    const feed = (): void => {
      while (this.sent < this.total && !context.paused) {
        context.enqueue({
          target: { namespace: 'busy', type: 'counter', id: String(this.sent % 5_000) },
          argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('x') },
          caller: undefined,
        });
        this.sent++;
      }
    };
    context.onPressureChange((paused) => {
      if (!paused) feed();
    });
    setImmediate(feed);
  }

  checkpoint(): IngressCheckpoint {
    return { position: Buffer.from(String(this.sent)), ops: [] };
  }

  async checkpointCommitted(): Promise<void> {
    // Nothing to release.
  }

  async stop(): Promise<void> {
    // Stops once everything is fed.
  }
}

describe('a runtime busy with in-process functions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-busy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('still fires timers and takes periodic checkpoints while the work lasts', async () => {
    const total = 60_000;
    const out = new CapturingEgress('busy/out');
    const runtime = await KeyflowRuntime.start({
      module: emptyModule(),
      stateDir: dir,
      functions: [BusyCounter],
      ingresses: [new FloodIngress(total)],
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 50,
    });
    let processedWhenTimerFired: number | undefined;
    let checkpointsWhileBusy = 0;
    const timer = setTimeout(() => (processedWhenTimerFired = runtime.stats().invocations), 20);
    while (runtime.stats().invocations < total) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (runtime.stats().invocations < total) checkpointsWhileBusy = runtime.stats().lastCheckpointId;
    }
    clearTimeout(timer);
    await runtime.stop();
    expect(processedWhenTimerFired).toBeLessThan(total);
    expect(checkpointsWhileBusy).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
