import type { DeliverySemantic } from '../config/module-config';
import type { EgressRecord } from '../egress/egress-record';
import type { EgressSink } from '../egress/egress-sink';

/** Wraps a sink so that a test can make its next commits fail, as a crash or an outage would. */
export class FlakyEgressSink implements EgressSink {
  readonly id: string;
  readonly deliverySemantic: DeliverySemantic;
  /** Checkpoint ids of every commit attempt, failed ones included, in order. */
  readonly attempts: number[] = [];
  #failures: Error[] = [];

  constructor(readonly inner: EgressSink) {
    this.id = inner.id;
    this.deliverySemantic = inner.deliverySemantic;
  }

  /** Makes the next commit reject with `error` before reaching the inner sink. */
  failNextCommit(error: Error): void {
    this.#failures.push(error);
  }

  write(records: readonly EgressRecord[]): Promise<void> {
    return this.inner.write(records);
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
