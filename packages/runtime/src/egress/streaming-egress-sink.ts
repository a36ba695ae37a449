import type { EgressRecord } from './egress-record';

/** The delivery semantics of a streaming sink: records are handed over as they are produced. */
export type StreamingDeliverySemantic = 'none' | 'at-least-once';

/**
 * An egress whose records are written as they are produced (`none` or `at-least-once`): the
 * runtime gathers them per event-loop turn and hands them to {@link StreamingEgressSink.write},
 * in order. Checkpoints wait for {@link StreamingEgressSink.flush} before they persist ingress
 * positions, so at-least-once holds across a crash.
 */
export interface StreamingEgressSink {
  /** The egress typename. */
  readonly id: string;
  readonly deliverySemantic: StreamingDeliverySemantic;
  /** Takes records right away. Ordered; may buffer. */
  write(records: readonly EgressRecord[]): Promise<void>;
  /**
   * Resolves once every record handed to {@link StreamingEgressSink.write} is durable at the
   * destination (acknowledged by Kafka, on disk, …). Optional: sinks whose `write` resolves
   * only when records are durable need not implement it.
   */
  flush?(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}
