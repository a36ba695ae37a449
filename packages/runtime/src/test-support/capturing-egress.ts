import type { EgressRecord } from '../egress/egress-record';
import type { DeliverySemantic } from '../config/module-config';

/**
 * An egress sink that keeps what it receives, for tests. It speaks both protocols (`write` and
 * `commit`), so it stands in for a streaming or a transactional sink as `deliverySemantic` says.
 */
export class CapturingEgress<TSemantic extends DeliverySemantic = DeliverySemantic> {
  readonly written: EgressRecord[] = [];
  readonly committed: { checkpointId: number; records: readonly EgressRecord[] }[] = [];

  constructor(
    readonly id: string,
    readonly deliverySemantic: TSemantic = 'at-least-once' as TSemantic,
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
