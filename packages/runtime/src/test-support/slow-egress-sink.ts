import type { EgressSink } from '../egress/egress-sink';
import type { StreamingEgressSink } from '../egress/streaming-egress-sink';
import type { TransactionalEgressSink } from '../egress/transactional-egress-sink';

/**
 * Wraps a real sink so that it takes records slower than a runtime produces them, as a
 * congested Kafka or disk would: each write (streaming) or commit (exactly-once) waits
 * `msPerRecord` per record before the inner sink gets them.
 */
export function slowEgressSink(inner: EgressSink, msPerRecord: number): EgressSink {
  const delay = (records: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.ceil(records * msPerRecord)));
  if (inner.deliverySemantic === 'exactly-once') {
    const transactional: TransactionalEgressSink = {
      id: inner.id,
      deliverySemantic: inner.deliverySemantic,
      commit: async (checkpointId, records) => {
        await delay(records.length);
        await inner.commit(checkpointId, records);
      },
      close: () => inner.close(),
    };
    return transactional;
  }
  const streaming: StreamingEgressSink = {
    id: inner.id,
    deliverySemantic: inner.deliverySemantic,
    write: async (records) => {
      await delay(records.length);
      await inner.write(records);
    },
    flush: async () => inner.flush?.(),
    close: () => inner.close(),
  };
  return streaming;
}
