import type { EgressRecord } from '../egress/egress-record';
import type { EgressSink } from '../egress/egress-sink';
import type { DeliverySemantic } from '../config/module-config';

/** An egress sink that keeps what it receives, for tests. */
export class CapturingEgress implements EgressSink {
  readonly written: EgressRecord[] = [];
  readonly committed: { checkpointId: number; records: readonly EgressRecord[] }[] = [];

  constructor(
    readonly id: string,
    readonly deliverySemantic: DeliverySemantic = 'at-least-once',
  ) {}

  async write(records: readonly EgressRecord[]): Promise<void> {
    this.written.push(...records);
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    if (this.committed.some((commit) => commit.checkpointId === checkpointId)) return;
    this.committed.push({ checkpointId, records });
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
