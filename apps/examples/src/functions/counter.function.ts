import { StatefulFunction, Types, ValueSpec, kafkaEgressMessage, kinesisEgressMessage, type Context, type Message } from '@keyflow/sdk';

/** The Kafka egress, and its topic, that {@link Counter} publishes counts to. */
export const COUNTS_EGRESS = { egress: 'example/counts', topic: 'counts' } as const;

/** The Kinesis egress, and its stream, that {@link StreamCounter} publishes counts to. */
export const STREAM_COUNTS_EGRESS = { egress: 'example/stream-counts', stream: 'counts' } as const;

/** `<id>:<count>`: what a counter publishes after its count-th event. */
export function countRecord(id: string, count: number): string {
  return `${id}:${count}`;
}

/**
 * Counts the events of each key (one instance per key) and publishes every new count to Kafka,
 * keyed by the instance id. With an exactly-once egress a `read_committed` consumer sees
 * `<id>:1 … <id>:n` once each, whatever crashed in between.
 */
@StatefulFunction('example/counter')
export class Counter {
  @ValueSpec({ type: Types.long }) count?: number;

  apply(ctx: Context<Counter>, _msg: Message): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.send(kafkaEgressMessage({ ...COUNTS_EGRESS, key: ctx.self.id, value: countRecord(ctx.self.id, count) }));
  }
}

/** {@link Counter} for Kinesis: publishes every new count to a Kinesis stream, partitioned by id. */
@StatefulFunction('example/stream-counter')
export class StreamCounter {
  @ValueSpec({ type: Types.long }) count?: number;

  apply(ctx: Context<StreamCounter>, _msg: Message): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.send(kinesisEgressMessage({ ...STREAM_COUNTS_EGRESS, partitionKey: ctx.self.id, value: countRecord(ctx.self.id, count) }));
  }
}
