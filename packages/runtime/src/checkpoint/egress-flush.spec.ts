import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, egressMessage, silentLogger, type Context, type Message } from '@keyflow/sdk';
import type { EgressRecord } from '../egress/egress-record';
import type { StreamingEgressSink } from '../egress/streaming-egress-sink';
import { KeyflowRuntime } from '../runtime/keyflow-runtime';
import { emptyModule } from '../test-support/empty-module';

// At-least-once: a checkpoint persists ingress positions, so it may only commit once every
// record produced before it is durable at its destination.

@StatefulFunction('flush/echo')
class Echo {
  apply(ctx: Context<Echo>, msg: Message): void {
    ctx.send(egressMessage({ egress: 'flush/out', value: msg.asString(), type: Types.string }));
  }
}

/** A sink that takes records at once but makes them durable only when told to. */
class SlowDurableSink implements StreamingEgressSink {
  readonly id = 'flush/out';
  readonly deliverySemantic = 'at-least-once' as const;
  readonly received: EgressRecord[] = [];
  #durable: () => void = () => undefined;
  readonly #whenDurable = new Promise<void>((resolve) => (this.#durable = resolve));

  async write(records: readonly EgressRecord[]): Promise<void> {
    this.received.push(...records);
  }
  flush(): Promise<void> {
    return this.#whenDurable;
  }
  makeDurable(): void {
    this.#durable();
  }
  async close(): Promise<void> {
    // Nothing to release.
  }
}

describe('checkpoints and at-least-once egress', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-flush-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('commits a checkpoint only after the records before it are durable at their egress', async () => {
    const sink = new SlowDurableSink();
    const runtime = await KeyflowRuntime.start({
      module: emptyModule(),
      stateDir: dir,
      stateBackend: 'memory',
      functions: [Echo],
      egresses: [sink],
      logger: silentLogger,
      checkpointIntervalMs: 0,
    });
    runtime.send({
      target: { namespace: 'flush', type: 'echo', id: 'a' },
      argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('hello') },
      caller: undefined,
    });
    await runtime.whenIdle();
    let committed = false;
    const checkpoint = runtime.checkpoint().then(() => (committed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.received).toHaveLength(1);
    expect(committed).toBe(false);
    expect(runtime.stats().lastCheckpointId).toBe(0);

    sink.makeDurable();
    await checkpoint;
    expect(runtime.stats().lastCheckpointId).toBe(1);
    await runtime.stop();
  });
});
