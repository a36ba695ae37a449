import type { EgressRecord } from './egress-record';

/**
 * An `exactly-once` egress: its records are held until the checkpoint that covers them is
 * durable and then handed to {@link TransactionalEgressSink.commit} — which must be idempotent
 * per checkpoint id, because after a crash it is called again. A sink may also see the records
 * earlier, through the optional staging trio (`stage`, `seal`, `reopen`, all or none), to send
 * them ahead without making them visible (a Kafka transaction).
 */
export interface TransactionalEgressSink {
  /** The egress typename. */
  readonly id: string;
  readonly deliverySemantic: 'exactly-once';
  /**
   * Delivers the records of checkpoint `checkpointId` once and only once. `records` are all of
   * them, also when the sink staged them: after a restart nothing was staged.
   */
  commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void>;
  /**
   * The records of the open checkpoint interval, as they are produced and in order, so that
   * the sink can send them ahead where its destination keeps them invisible until
   * {@link TransactionalEgressSink.commit}. Must not throw: a record the sink cannot take fails
   * its commit instead.
   */
  stage?(records: readonly EgressRecord[]): void;
  /**
   * With `stage`: the instant of checkpoint `checkpointId`. The records staged since the
   * previous seal are that checkpoint's; those staged later belong to the next one.
   */
  seal?(checkpointId: number): void;
  /**
   * With `stage`: the checkpoint sealed last could not be made durable. Its records belong to
   * the next checkpoint again, ahead of those staged since.
   */
  reopen?(): void;
  /** Releases resources; records of checkpoints not yet committed are delivered after a restart. */
  close(): Promise<void>;
}
