import type { DeliverySemantic } from '../module/module-config';
import type { EgressRecord } from './egress-record';

/**
 * Where the records of one egress go. With `none` or `at-least-once`, records are handed to
 * {@link EgressSink.write} as they are produced. With `exactly-once`, they are held until the
 * checkpoint that covers them is durable and then handed to {@link EgressSink.commit} — which
 * must be idempotent per checkpoint id, because after a crash it is called again.
 */
export interface EgressSink {
  /** The egress typename. */
  readonly id: string;
  readonly deliverySemantic: DeliverySemantic;
  /** Takes records right away (not exactly-once). Ordered; may buffer. */
  write(records: readonly EgressRecord[]): Promise<void>;
  /** Delivers the records of checkpoint `checkpointId` once and only once. */
  commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void>;
  /**
   * Resolves once every record handed to {@link EgressSink.write} is durable at the
   * destination (acknowledged by Kafka, on disk, …). Checkpoints wait for it before they
   * persist ingress positions, so at-least-once holds across a crash. Optional: sinks whose
   * `write` resolves only when records are durable need not implement it.
   */
  flush?(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}
