import type { EgressRecord } from '../egress/egress-record';
import type { TransactionalEgressSink } from '../egress/transactional-egress-sink';

/** Wraps a transactional sink so that a test can make its next commits fail, as a crash or an outage would. */
export class FlakyEgressSink implements TransactionalEgressSink {
  readonly id: string;
  readonly deliverySemantic = 'exactly-once' as const;
  /** Checkpoint ids of every commit attempt, failed ones included, in order. */
  readonly attempts: number[] = [];
  #failures: Error[] = [];

  constructor(readonly inner: TransactionalEgressSink) {
    this.id = inner.id;
  }

  /** Makes the next commit reject with `error` before reaching the inner sink. */
  failNextCommit(error: Error): void {
    this.#failures.push(error);
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    this.attempts.push(checkpointId);
    const failure = this.#failures.shift();
    if (failure) throw failure;
    await this.inner.commit(checkpointId, records);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
