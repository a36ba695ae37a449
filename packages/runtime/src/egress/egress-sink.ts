import type { StreamingEgressSink } from './streaming-egress-sink';
import type { TransactionalEgressSink } from './transactional-egress-sink';

/**
 * Where the records of one egress go: a {@link StreamingEgressSink} (`none`, `at-least-once`:
 * written as produced) or a {@link TransactionalEgressSink} (`exactly-once`: committed per
 * durable checkpoint). `deliverySemantic` tells them apart, so the type system keeps callers
 * from writing to a transactional sink or committing to a streaming one.
 */
export type EgressSink = StreamingEgressSink | TransactionalEgressSink;
