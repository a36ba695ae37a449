import type { Logger } from '@keyflow/sdk';
import type { Dispatcher } from '../dispatcher/dispatcher';
import { decodeEnvelopes, encodeEnvelopes, type Envelope } from '../dispatcher/envelope';
import type { EgressRouter, PendingEgress } from '../egress/egress-router';
import type { Ingress } from '../ingress/ingress';
import type { BackendOp, StateBackend } from '../state/state-backend';
import { StateStore } from '../state/state-store';
import { decodeDelayedMessage, TIMER_KEY_PREFIX, type DelayedMessage } from '../timers/delayed-message';
import type { TimerService } from '../timers/timer-service';
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
  readonly durationMs: number;
}

interface CheckpointMarker {
  readonly checkpointId: number;
  readonly time: number;
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
  #running: Promise<CheckpointResult> | undefined;
  #interval: NodeJS.Timeout | undefined;
  #deliveredEgressKeys: string[] = [];

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
    const marker = await backend.get(CHECKPOINT_MARKER_KEY);
    this.#lastId = marker ? (JSON.parse(Buffer.from(marker).toString('utf8')) as CheckpointMarker).checkpointId : 0;

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
  }

  /** Takes a checkpoint now (after the one in progress, if any). */
  async checkpoint(): Promise<CheckpointResult> {
    while (this.#running) await this.#running.catch(() => undefined);
    const running = this.#take();
    this.#running = running;
    try {
      return await running;
    } finally {
      this.#running = undefined;
    }
  }

  async #take(): Promise<CheckpointResult> {
    const { backend, state, timers, dispatcher, ingresses, egress, logger } = this.#participants;
    const started = this.#clock();
    const checkpointId = this.#lastId + 1;

    // The instant: nothing below awaits until every participant is captured.
    const delta = state.seal();
    const timerOps = timers.takeOps();
    const mailboxes = dispatcher.snapshot();
    const positions = ingresses.map((ingress) => ({ ingress, ...ingress.checkpoint() }));
    const pendingEgress = egress.takePending();
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
    const marker: CheckpointMarker = { checkpointId, time: started };
    ops.push({ type: 'put', key: CHECKPOINT_MARKER_KEY, value: Buffer.from(JSON.stringify(marker)) });

    try {
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

    await this.#deliverEgress(checkpointId, pendingEgress);
    for (const { ingress, position } of positions) await ingress.checkpointCommitted(position);

    const result: CheckpointResult = {
      checkpointId,
      addresses: delta.size,
      messages: mailboxes.length,
      durationMs: this.#clock() - started,
    };
    logger.debug('checkpoint committed', { ...result });
    return result;
  }

  async #deliverEgress(checkpointId: number, pending: PendingEgress): Promise<void> {
    if (pending.size === 0) return;
    await this.#participants.egress.commit(checkpointId, pending);
    this.#deliveredEgressKeys.push(pendingEgressKey(checkpointId));
  }
}
