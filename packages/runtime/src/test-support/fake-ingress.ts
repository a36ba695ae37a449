import type { Ingress, IngressCheckpoint, IngressContext } from '../ingress/ingress';
import type { BackendOp } from '../state/state-backend';

/**
 * An {@link Ingress} whose position and checkpoint operations the test sets. Operations stay
 * in every checkpoint until one holding them is committed, as a real ingress keeps them.
 */
export class FakeIngress implements Ingress {
  /** The position the next checkpoint reports, as text. */
  position = '0';
  /** Operations not yet in a committed checkpoint. */
  pendingOps: BackendOp[] = [];
  /** Positions of complete checkpoints, as text, in order. */
  readonly committed: string[] = [];
  /** Positions of local commits, as text, in order. */
  readonly committedLocallyPositions: string[] = [];
  startedAt: string | undefined;
  #opsInCheckpoint = 0;

  constructor(readonly id: string) {}

  async start(_context: IngressContext, position: Uint8Array | undefined): Promise<void> {
    this.startedAt = position ? Buffer.from(position).toString('utf8') : undefined;
  }

  checkpoint(): IngressCheckpoint {
    this.#opsInCheckpoint = this.pendingOps.length;
    return { position: Buffer.from(this.position), ops: [...this.pendingOps] };
  }

  async checkpointCommitted(position: Uint8Array): Promise<void> {
    this.committed.push(Buffer.from(position).toString('utf8'));
    this.pendingOps.splice(0, this.#opsInCheckpoint);
    this.#opsInCheckpoint = 0;
  }

  async committedLocally(position: Uint8Array): Promise<void> {
    this.committedLocallyPositions.push(Buffer.from(position).toString('utf8'));
  }

  async stop(): Promise<void> {
    // Nothing runs.
  }
}
