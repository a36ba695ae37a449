import { randomUUID } from 'node:crypto';
import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import type { Dispatcher } from '../dispatcher/dispatcher';
import { decodeEnvelopes, encodeEnvelopes, type Envelope } from '../message/envelope';
import type { EgressRouter, PendingEgress } from '../egress/egress-router';
import type { Ingress } from '../ingress/ingress';
import type { BackendOp, StateBackend } from '../state/state-backend';
import { StateStore } from '../state/state-store';
import { decodeDelayedMessage, TIMER_KEY_PREFIX, type DelayedMessage } from '../timers/delayed-message';
import type { TimerService } from '../timers/timer-service';
import type { CheckpointArchive, SnapshotProgress } from './checkpoint-archive';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import { encodeMarker, readMarker } from './checkpoint-marker';
import {
  CHECKPOINT_MARKER_KEY,
  INGRESS_POSITION_PREFIX,
  MAILBOXES_KEY,
  PENDING_EGRESS_PREFIX,
  pendingEgressKey,
} from './checkpoint-keys';
import { decodePendingEgress, encodePendingEgress } from './pending-egress-codec';

/** What the coordinator snapshots. */
export interface CheckpointParticipants {
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
 * Takes consistent checkpoints without stopping the world: everything is captured in one
 * synchronous step — the state delta is sealed, the mailboxes (in-flight batches included),
 * delayed-message changes, ingress positions and pending exactly-once egress are copied —
 * and then written to the backend in one atomic batch while processing goes on. Only after
 * that write do exactly-once egress records leave and ingresses release their input.
 */
export class CheckpointCoordinator {
  readonly #participants: CheckpointParticipants;
  readonly #clock: () => number;
  #lastId = 0;
  #lineage: string = randomUUID();
  #lastBaseId = 0;
  #needsBase = false;
  #baseWrite: Promise<void> | undefined;
  #running: Promise<CheckpointResult> | undefined;
  #interval: NodeJS.Timeout | undefined;
  #deliveredEgressKeys: string[] = [];
  /** Exactly-once egress of committed checkpoints whose delivery failed or is under way, oldest first. */
  readonly #undeliveredEgress: { readonly checkpointId: number; readonly pending: PendingEgress }[] = [];

  constructor(participants: CheckpointParticipants) {
    this.#participants = participants;
    this.#clock = participants.clock ?? Date.now;
  }

  /** The id of the last committed checkpoint. */
  get lastCheckpointId(): number {
    return this.#lastId;
  }

  /**
   * Reads the last committed checkpoint from the backend and finishes what it left undone:
   * exactly-once egress records it committed but had not delivered are delivered now.
   */
  async recover(): Promise<RecoveredCheckpoint> {
    const { backend, egress } = this.#participants;
    const marker = await readMarker(backend);
    this.#lastId = marker?.checkpointId ?? 0;
    if (marker) this.#lineage = marker.lineage;
    const bases = (await this.#participants.archive?.bases()) ?? [];
    this.#lastBaseId = bases.filter((base) => base.lineage === this.#lineage).at(-1)?.checkpointId ?? 0;

    const mailboxBytes = await backend.get(MAILBOXES_KEY);
    const timers: DelayedMessage[] = [];
    for await (const [, value] of backend.scan(TIMER_KEY_PREFIX)) timers.push(decodeDelayedMessage(value));
    const ingressPositions = new Map<string, Uint8Array>();
    for await (const [key, value] of backend.scan(INGRESS_POSITION_PREFIX)) {
      ingressPositions.set(key.slice(INGRESS_POSITION_PREFIX.length), value);
    }
    const delivered: BackendOp[] = [];
    for await (const [key, value] of backend.scan(PENDING_EGRESS_PREFIX)) {
      const checkpointId = Number(key.slice(PENDING_EGRESS_PREFIX.length));
      await egress.commit(checkpointId, decodePendingEgress(value));
      delivered.push({ type: 'del', key });
    }
    await backend.write(delivered);
    return {
      checkpointId: this.#lastId,
      mailboxes: mailboxBytes ? decodeEnvelopes(mailboxBytes) : [],
      timers,
      ingressPositions,
    };
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
        this.#participants.logger.error('checkpoint failed; processing goes on and the next one retries', { error });
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
  async checkpoint(onCommitted?: () => void): Promise<CheckpointResult> {
    while (this.#running) await this.#running.catch(() => undefined);
    const running = this.#take(onCommitted);
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
      entries = this.#participants.backend.snapshot();
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
        { cause: error, retryable: true },
      );
    }
  }

  async #take(onCommitted: (() => void) | undefined): Promise<CheckpointResult> {
    const { backend, state, timers, dispatcher, ingresses, egress, logger, archive } = this.#participants;
    const started = this.#clock();
    const checkpointId = this.#lastId + 1;

    // The instant: nothing below awaits until every participant is captured.
    const delta = state.seal();
    const timerOps = timers.takeOps();
    const mailboxes = dispatcher.snapshot();
    const positions = ingresses.map((ingress) => ({ ingress, ...ingress.checkpoint() }));
    const pendingEgress = egress.takePending(checkpointId);
    const deliveredEgressKeys = this.#deliveredEgressKeys;
    this.#deliveredEgressKeys = [];

    const ops: BackendOp[] = StateStore.opsOf(delta);
    ops.push(...timerOps);
    ops.push({ type: 'put', key: MAILBOXES_KEY, value: encodeEnvelopes(mailboxes) });
    for (const { ingress, position, ops: ingressOps } of positions) {
      ops.push(...ingressOps, { type: 'put', key: INGRESS_POSITION_PREFIX + ingress.id, value: position });
    }
    if (pendingEgress.size > 0) {
      ops.push({ type: 'put', key: pendingEgressKey(checkpointId), value: encodePendingEgress(pendingEgress) });
    }
    for (const key of deliveredEgressKeys) ops.push({ type: 'del', key });
    ops.push({ type: 'put', key: CHECKPOINT_MARKER_KEY, value: encodeMarker({ checkpointId, lineage: this.#lineage, time: started }) });

    let archivedBytes = 0;
    try {
      // Records emitted before the instant must be durable at their destinations before the
      // ingress positions that produced them are persisted: otherwise a crash would lose them.
      await egress.flush();
      if (archive) {
        try {
          archivedBytes = await archive.writeDelta(checkpointId, this.#lineage, started, ops);
        } catch (error) {
          throw new KeyflowError(
            CheckpointErrorCodes.FAILED,
            `Checkpoint ${checkpointId} could not be written to ${archive.storage.uri}: ${describeError(error)}`,
            { cause: error, retryable: true },
          );
        }
      }
      await backend.write(ops);
    } catch (error) {
      // Nothing was written: what this checkpoint captured goes into the next one.
      state.unseal(delta);
      timers.restoreOps(timerOps);
      egress.restorePending(pendingEgress);
      this.#deliveredEgressKeys.unshift(...deliveredEgressKeys);
      throw error;
    }
    state.committed(delta);
    this.#lastId = checkpointId;
    onCommitted?.();
    this.#compact(checkpointId);

    await this.#deliverEgress(checkpointId, pendingEgress);
    for (const { ingress, position } of positions) await ingress.checkpointCommitted(position);

    const result: CheckpointResult = {
      checkpointId,
      addresses: delta.size,
      messages: mailboxes.length,
      bytes: archivedBytes,
      durationMs: this.#clock() - started,
    };
    logger.debug('checkpoint committed', { ...result });
    return result;
  }

  /**
   * Every `compactionInterval` checkpoints, writes a full snapshot of the backend as it is
   * right now (exactly checkpoint `checkpointId`) in the background, then prunes what the
   * retained checkpoints no longer need. One snapshot at a time.
   */
  #compact(checkpointId: number): void {
    const { archive, backend, logger } = this.#participants;
    if (!archive || this.#baseWrite) return;
    const due = this.#needsBase || checkpointId - this.#lastBaseId >= (this.#participants.compactionInterval ?? 20);
    if (!due) return;
    const entries = backend.snapshot();
    const lineage = this.#lineage;
    this.#needsBase = false;
    this.#baseWrite = archive
      .writeBase(checkpointId, lineage, this.#clock(), entries)
      .then(async (manifest) => {
        this.#lastBaseId = checkpointId;
        const pruned = await archive.prune(this.#participants.retain ?? 3);
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

  async #deliverEgress(checkpointId: number, pending: PendingEgress): Promise<void> {
    if (pending.size > 0) this.#undeliveredEgress.push({ checkpointId, pending });
    // Oldest first, and none past one that failed: a sink skips a checkpoint id at or below the
    // last one it committed, so delivering a newer checkpoint first would lose the older records.
    for (let next = this.#undeliveredEgress[0]; next; next = this.#undeliveredEgress[0]) {
      await this.#participants.egress.commit(next.checkpointId, next.pending);
      this.#undeliveredEgress.shift();
      this.#deliveredEgressKeys.push(pendingEgressKey(next.checkpointId));
    }
  }
}
