import { randomUUID } from 'node:crypto';
import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import { RuntimeDefaults } from '../config/runtime-defaults';
import type { Dispatcher } from '../dispatcher/dispatcher';
import type { Envelope } from '../message/envelope';
import type { EgressRouter } from '../egress/egress-router';
import type { Ingress } from '../ingress/ingress';
import { CHECKPOINT_MARKER_KEY } from '../state/keyspace';
import type { BackendOp, StateBackend } from '../state/state-backend';
import type { StateStore } from '../state/state-store';
import type { DelayedMessage } from '../timers/delayed-message';
import type { TimerService } from '../timers/timer-service';
import type { RuntimeObserver } from '../metrics/runtime-observer';
import type { CheckpointArchive, SnapshotProgress } from './checkpoint-archive';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import { encodeMarker } from './checkpoint-marker';
import type { Capture, CheckpointParticipant, CommitScope } from './checkpoint-participant';
import { EgressParticipant } from './participants/egress-participant';
import { ingressParticipant } from './participants/ingress-participant';
import { mailboxParticipant } from './participants/mailbox-participant';
import { stateParticipant } from './participants/state-participant';
import { timerParticipant } from './participants/timer-participant';
import { readRestorePlan } from './restore-plan';

/** What the coordinator checkpoints, and where. */
export interface CheckpointCoordinatorOptions {
  readonly backend: StateBackend;
  readonly state: StateStore;
  readonly timers: TimerService;
  readonly dispatcher: Dispatcher;
  readonly ingresses: readonly Ingress[];
  readonly egress: EgressRouter;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Checkpoint storage beyond the machine; without it checkpoints are local only. */
  readonly archive?: CheckpointArchive;
  /** Write a full snapshot (compaction base) every this many checkpoints. Default 20. */
  readonly compactionInterval?: number;
  /** Complete checkpoints kept restorable in the archive. Default 3. */
  readonly retain?: number;
  /** Told of every checkpoint completed or failed (metrics). */
  readonly observer?: RuntimeObserver;
}

/** A savepoint written on demand. */
export interface SavepointResult {
  readonly uri: string;
  readonly checkpointId: number;
  readonly entries: number;
  readonly durationMs: number;
}

/** What the last committed checkpoint left for the runtime to resume from. */
export interface RecoveredCheckpoint {
  /** 0 when the backend holds no checkpoint (a first start). */
  readonly checkpointId: number;
  /** Messages queued or in flight at the checkpoint, to deliver again, in order. */
  readonly mailboxes: readonly Envelope[];
  readonly timers: readonly DelayedMessage[];
  readonly ingressPositions: ReadonlyMap<string, Uint8Array>;
}

/** A finished checkpoint. */
export interface CheckpointResult {
  readonly checkpointId: number;
  readonly addresses: number;
  readonly messages: number;
  /** Bytes written to checkpoint storage (0 without one). */
  readonly bytes: number;
  readonly durationMs: number;
}


/**
 * Takes consistent checkpoints without stopping the world: every participant — state,
 * timers, mailboxes, exactly-once egress, each ingress — is captured in one synchronous step,
 * and what they captured is written to the backend in one atomic batch while processing goes
 * on. Only after that write are they told it is durable (exactly-once egress records leave,
 * ingresses release their input); if it fails, they take back what they captured.
 */
export class CheckpointCoordinator {
  readonly #options: CheckpointCoordinatorOptions;
  /** In order: captured in it, told in it (state first, synchronously; egress before ingresses), restored in it. */
  readonly #participants: readonly CheckpointParticipant[];
  readonly #egress: EgressParticipant;
  readonly #clock: () => number;
  #lastId = 0;
  #lineage: string = randomUUID();
  #lastBaseId = 0;
  #needsBase = false;
  #baseWrite: Promise<void> | undefined;
  #running: Promise<CheckpointResult> | undefined;
  #interval: NodeJS.Timeout | undefined;
  /** A local commit was asked for and has not yet begun (see {@link requestCommit}). */
  #commitRequested = false;
  /** What local commits wrote since the last archived checkpoint, last operation per key. */
  readonly #unarchived = new Map<string, BackendOp>();
  /** The first local commit in {@link #unarchived}. */
  #firstUnarchived: number | undefined;

  constructor(options: CheckpointCoordinatorOptions) {
    this.#options = options;
    this.#egress = new EgressParticipant(options.egress, options.backend);
    this.#participants = [
      stateParticipant(options.state),
      timerParticipant(options.timers),
      mailboxParticipant(options.dispatcher),
      this.#egress,
      ...options.ingresses.map(ingressParticipant),
    ];
    this.#clock = options.clock ?? Date.now;
  }

  /** The id of the last committed checkpoint. */
  get lastCheckpointId(): number {
    return this.#lastId;
  }

  /**
   * Resumes from the last committed checkpoint in the backend: reads its restore plan, then
   * hands each participant its part — first the exactly-once egress it committed but had not
   * delivered (nothing new may reach a sink before it), then delayed messages and the queued
   * and in-flight messages. Ingresses resume from the returned positions when the runtime
   * starts them.
   */
  async recover(): Promise<RecoveredCheckpoint> {
    const plan = await readRestorePlan(this.#options.backend);
    this.#lastId = plan.checkpointId;
    if (plan.lineage !== undefined) this.#lineage = plan.lineage;
    const bases = (await this.#options.archive?.bases()) ?? [];
    this.#lastBaseId = bases.filter((base) => base.lineage === this.#lineage).at(-1)?.checkpointId ?? 0;
    const order = [this.#egress, ...this.#participants.filter((participant) => participant !== this.#egress)];
    for (const participant of order) await participant.restore?.(plan);
    return { checkpointId: plan.checkpointId, mailboxes: plan.mailboxes, timers: plan.timers, ingressPositions: plan.ingressPositions };
  }

  /**
   * Starts a new history from the state now in the backend (a restored savepoint): later
   * checkpoints do not chain onto older ones in the archive, and the next one writes a base.
   */
  startNewLineage(lastCheckpointIdInArchive: number): void {
    this.#lineage = randomUUID();
    this.#lastId = Math.max(this.#lastId, lastCheckpointIdInArchive);
    this.#needsBase = true;
  }

  /** Takes a checkpoint every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    this.#interval = setInterval(() => {
      if (this.#running) return;
      this.checkpoint().catch((error: unknown) => {
        this.#options.logger.error('checkpoint failed; processing goes on and the next one retries', { error });
      });
    }, intervalMs);
    this.#interval.unref();
  }

  /** Stops periodic checkpoints and waits for one in progress. */
  async stop(): Promise<void> {
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = undefined;
    await this.#running?.catch(() => undefined);
    await this.#baseWrite;
  }

  /**
   * Takes a checkpoint now (after the one in progress, if any). `onCommitted` runs
   * synchronously right after the backend holds it, before anything else can change it.
   */
  checkpoint(onCommitted?: () => void): Promise<CheckpointResult> {
    return this.#serialized(() => this.#take(onCommitted, 'checkpoint'));
  }

  /**
   * Asks for a local commit soon: a checkpoint that the backend holds (on this machine's disk,
   * synced) without waiting for the archive; its operations reach the archive with the next
   * checkpoint. What asks for one — a reply waiting to be released once the invocation that
   * produced it is durable — is covered by the next commit to begin; the requests that arrive
   * while one runs share the one after it (group commit).
   */
  requestCommit(): void {
    if (this.#commitRequested) return;
    this.#commitRequested = true;
    // Never within the caller's synchronous step: it may be in the middle of applying a
    // response (a reply is handed over while the response's other messages are not yet), and
    // a capture there would split the response's effects.
    queueMicrotask(() => {
      this.#serialized(() => {
        this.#commitRequested = false;
        return this.#take(undefined, 'commit');
      }).catch((error: unknown) => {
        this.#options.logger.error('local commit failed; the next commit or checkpoint retries', { error });
      });
    });
  }

  async #serialized(take: () => Promise<CheckpointResult>): Promise<CheckpointResult> {
    while (this.#running) await this.#running.catch(() => undefined);
    const running = take();
    this.#running = running;
    try {
      return await running;
    } finally {
      this.#running = undefined;
    }
  }

  /**
   * Takes a checkpoint and writes a full snapshot of it to `folder` of the archive's storage
   * (or of `storage`), reporting progress. A savepoint is self-contained: it restores alone.
   */
  async savepoint(
    archive: CheckpointArchive,
    folder: string,
    onProgress?: (progress: SnapshotProgress) => void,
  ): Promise<SavepointResult> {
    const started = this.#clock();
    let entries: AsyncIterable<readonly [string, Uint8Array]> | undefined;
    const checkpoint = await this.checkpoint(() => {
      entries = this.#options.backend.snapshot();
    });
    try {
      const manifest = await archive.writeSnapshot(
        folder,
        'savepoint',
        checkpoint.checkpointId,
        this.#lineage,
        started,
        entries as AsyncIterable<readonly [string, Uint8Array]>,
        onProgress,
      );
      const uri = `${archive.storage.uri.replace(/\/+$/, '')}/${folder}`;
      return { uri, checkpointId: checkpoint.checkpointId, entries: manifest.entries, durationMs: this.#clock() - started };
    } catch (error) {
      throw new KeyflowError(
        CheckpointErrorCodes.SAVEPOINT_FAILED,
        `The savepoint could not be written to ${archive.storage.uri}/${folder}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Captures every participant and writes what they captured to the backend; a `checkpoint`
   * also goes to the archive (if there is one) and into the metrics, a local `commit` does not.
   */
  async #take(onCommitted: (() => void) | undefined, kind: 'checkpoint' | 'commit'): Promise<CheckpointResult> {
    const { backend, egress, logger, archive } = this.#options;
    const started = this.#clock();
    const checkpointId = this.#lastId + 1;

    // The instant: nothing below awaits until every participant is captured.
    const captures: Capture[] = this.#participants.map((participant) => participant.capture(checkpointId));
    const ops: BackendOp[] = captures.flatMap((capture) => capture.ops);
    ops.push({ type: 'put', key: CHECKPOINT_MARKER_KEY, value: encodeMarker({ checkpointId, lineage: this.#lineage, time: started }) });

    let archivedBytes = 0;
    try {
      // Records emitted before the instant must be durable at their destinations before the
      // ingress positions that produced them are persisted: otherwise a crash would lose them.
      await egress.flush();
      if (archive && kind === 'checkpoint') {
        try {
          const delta = new Map(this.#unarchived);
          for (const op of ops) delta.set(op.key, op);
          archivedBytes = await archive.writeDelta(checkpointId, this.#lineage, started, [...delta.values()], this.#firstUnarchived ?? checkpointId);
        } catch (error) {
          throw new KeyflowError(
            CheckpointErrorCodes.FAILED,
            `Checkpoint ${checkpointId} could not be written to ${archive.storage.uri}: ${describeError(error)}`,
            { cause: error },
          );
        }
      }
      await backend.write(ops);
    } catch (error) {
      // Nothing was written: what this checkpoint captured goes into the next one.
      for (const capture of captures) capture.aborted?.();
      if (kind === 'checkpoint') this.#options.observer?.checkpointFailed(checkpointId, describeError(error));
      throw error;
    }
    this.#lastId = checkpointId;
    onCommitted?.();
    if (archive && kind === 'commit') {
      for (const op of ops) this.#unarchived.set(op.key, op);
      this.#firstUnarchived ??= checkpointId;
    } else {
      this.#unarchived.clear();
      this.#firstUnarchived = undefined;
      this.#compact(checkpointId);
    }
    const scope: CommitScope = archive !== undefined && kind === 'commit' ? 'local' : 'complete';
    for (const capture of captures) await capture.committed?.(scope);

    const result: CheckpointResult = {
      checkpointId,
      addresses: captures.reduce((sum, capture) => sum + (capture.counts?.addresses ?? 0), 0),
      messages: captures.reduce((sum, capture) => sum + (capture.counts?.messages ?? 0), 0),
      bytes: archivedBytes,
      durationMs: this.#clock() - started,
    };
    if (kind === 'checkpoint') this.#options.observer?.checkpointCompleted(result);
    logger.debug(kind === 'checkpoint' ? 'checkpoint committed' : 'local commit done', { ...result });
    return result;
  }

  /**
   * Every `compactionInterval` checkpoints, writes a full snapshot of the backend as it is
   * right now (exactly checkpoint `checkpointId`) in the background, then prunes what the
   * retained checkpoints no longer need. One snapshot at a time.
   */
  #compact(checkpointId: number): void {
    const { archive, backend, logger } = this.#options;
    if (!archive || this.#baseWrite) return;
    const due = this.#needsBase || checkpointId - this.#lastBaseId >= (this.#options.compactionInterval ?? RuntimeDefaults.COMPACTION_INTERVAL);
    if (!due) return;
    const entries = backend.snapshot();
    const lineage = this.#lineage;
    this.#needsBase = false;
    this.#baseWrite = archive
      .writeBase(checkpointId, lineage, this.#clock(), entries)
      .then(async (manifest) => {
        this.#lastBaseId = checkpointId;
        const pruned = await archive.prune(this.#options.retain ?? RuntimeDefaults.RETAIN_CHECKPOINTS);
        logger.debug('wrote a checkpoint base', { checkpointId, entries: manifest.entries, pruned });
      })
      .catch((error: unknown) => {
        if (lineage === this.#lineage) this.#needsBase = true;
        logger.warn('writing a checkpoint base failed; the next checkpoint retries', { checkpointId, error });
      })
      .finally(() => {
        this.#baseWrite = undefined;
      });
  }
}
