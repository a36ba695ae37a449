import type { DeliverySemantic } from '../config/module-config';
import type { EgressRecord } from './egress-record';

/**
 * Where the records of one egress go. With `none` or `at-least-once`, records are handed to
 * {@link EgressSink.write} as they are produced. With `exactly-once`, they are held until the
 * checkpoint that covers them is durable and then handed to {@link EgressSink.commit} — which
 * must be idempotent per checkpoint id, because after a crash it is called again. An
 * exactly-once sink may also see them earlier, through {@link EgressSink.stage}, to send them
 * ahead without making them visible.
 */
export interface EgressSink {
  /** The egress typename. */
  readonly id: string;
  readonly deliverySemantic: DeliverySemantic;
  /** Takes records right away (not exactly-once). Ordered; may buffer. */
  write(records: readonly EgressRecord[]): Promise<void>;
  /**
   * Delivers the records of checkpoint `checkpointId` once and only once. `records` are all of
   * them, also when the sink staged them: after a restart nothing was staged.
   */
  commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void>;
  /**
   * Exactly-once sinks, optional: the records of the open checkpoint interval, as they are
   * produced and in order, so that the sink can send them ahead where its destination keeps
   * them invisible until {@link EgressSink.commit} (a Kafka transaction). Must not throw: a
   * record the sink cannot take fails its commit instead.
   */
  stage?(records: readonly EgressRecord[]): void;
  /**
   * With {@link EgressSink.stage}: the instant of checkpoint `checkpointId`. The records staged
   * since the previous seal are that checkpoint's; those staged later belong to the next one.
   */
  seal?(checkpointId: number): void;
  /**
   * With {@link EgressSink.stage}: the checkpoint sealed last could not be made durable. Its
   * records belong to the next checkpoint again, ahead of those staged since.
   */
  reopen?(): void;
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
