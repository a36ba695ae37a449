import type { BackendOp } from '../state/state-backend';
import type { RestorePlan } from './restore-plan';

/**
 * How far a committed checkpoint reached. `complete`: everywhere it goes (the backend, and
 * checkpoint storage when there is one). `local`: a local commit, held by this machine's backend
 * only; checkpoint storage gets it with the next checkpoint. On a local commit a participant
 * acts on what only this machine sees (a reply to release) and holds back what leaves it or
 * cannot be taken back (exactly-once egress records, input released at its source): if the
 * machine were lost, a restore from checkpoint storage would not know of it.
 */
export type CommitScope = 'complete' | 'local';

/** What one participant contributes to one checkpoint, captured at its instant. */
export interface Capture {
  /** Backend operations written with the checkpoint, atomically with every other participant's. */
  readonly ops: readonly BackendOp[];
  /** Counts for the checkpoint's result. */
  readonly counts?: { readonly addresses?: number; readonly messages?: number };
  /**
   * The checkpoint is durable, as far as `scope` says. Called in participant order; a
   * participant that must act before any other code runs does so synchronously.
   */
  committed?(scope: CommitScope): void | Promise<void>;
  /** The checkpoint could not be written: take back what was captured, for the next one. */
  aborted?(): void;
}

/**
 * One part of the runtime that checkpoints cover: function state, delayed messages,
 * mailboxes, exactly-once egress, each ingress. The coordinator treats all of them alike:
 * {@link capture} at the instant, then {@link Capture.committed} or {@link Capture.aborted};
 * at startup, {@link restore} from what the last committed checkpoint holds.
 */
export interface CheckpointParticipant {
  /** For logs and errors, e.g. `state` or `ingress example/http`. */
  readonly name: string;
  /** Synchronous: every participant is captured at one instant, with nothing awaited between. */
  capture(checkpointId: number): Capture;
  /** Takes back this participant's part of the last committed checkpoint (at startup, in participant order). */
  restore?(plan: RestorePlan): void | Promise<void>;
}
