import type { EgressRouter, PendingEgress } from '../../egress/egress-router';
import { pendingEgressKey } from '../../state/keyspace';
import type { BackendOp, StateBackend } from '../../state/state-backend';
import type { Capture, CheckpointParticipant } from '../checkpoint-participant';
import { encodePendingEgress } from '../pending-egress-codec';
import type { RestorePlan } from '../restore-plan';

/**
 * Exactly-once egress: the records of a checkpoint are stored with it and delivered once it is
 * durable; their key is deleted by the next checkpoint. Records of a committed checkpoint that
 * were not delivered (a failure, a crash) are delivered before any newer ones, oldest first:
 * a sink skips a checkpoint id at or below the last one it committed.
 */
export class EgressParticipant implements CheckpointParticipant {
  readonly name = 'egress';
  /** Committed checkpoints whose delivery failed or is under way, oldest first. */
  readonly #undelivered: { readonly checkpointId: number; readonly pending: PendingEgress }[] = [];
  /** Keys of delivered records, deleted by the next checkpoint. */
  #deliveredKeys: string[] = [];

  constructor(
    private readonly egress: EgressRouter,
    private readonly backend: StateBackend,
  ) {}

  capture(checkpointId: number): Capture {
    const pending = this.egress.takePending(checkpointId);
    const delivered = this.#deliveredKeys;
    this.#deliveredKeys = [];
    const ops: BackendOp[] = [];
    if (pending.size > 0) ops.push({ type: 'put', key: pendingEgressKey(checkpointId), value: encodePendingEgress(pending) });
    for (const key of delivered) ops.push({ type: 'del', key });
    return {
      ops,
      // A local commit's records wait in the backend for the next complete checkpoint.
      committed: (scope) => (scope === 'complete' ? this.#deliver(checkpointId, pending) : this.#hold(checkpointId, pending)),
      aborted: () => {
        this.egress.restorePending(pending);
        this.#deliveredKeys.unshift(...delivered);
      },
    };
  }

  /** Delivers what the last committed checkpoint (or an older one) left undelivered, then forgets it. */
  async restore(plan: RestorePlan): Promise<void> {
    const delivered: BackendOp[] = [];
    for (const { checkpointId, key, pending } of plan.undeliveredEgress) {
      await this.egress.commit(checkpointId, pending);
      delivered.push({ type: 'del', key });
    }
    await this.backend.write(delivered);
  }

  #hold(checkpointId: number, pending: PendingEgress): void {
    if (pending.size > 0) this.#undelivered.push({ checkpointId, pending });
  }

  async #deliver(checkpointId: number, pending: PendingEgress): Promise<void> {
    this.#hold(checkpointId, pending);
    for (let next = this.#undelivered[0]; next; next = this.#undelivered[0]) {
      await this.egress.commit(next.checkpointId, next.pending);
      this.#undelivered.shift();
      this.#deliveredKeys.push(pendingEgressKey(next.checkpointId));
    }
  }
}
