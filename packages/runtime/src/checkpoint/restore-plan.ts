import { decodeEnvelopes, type Envelope } from '../message/envelope';
import type { PendingEgress } from '../egress/egress-router';
import {
  INGRESS_POSITION_PREFIX,
  MAILBOXES_KEY,
  PARKED_MESSAGES_KEY,
  PENDING_EGRESS_PREFIX,
  TIMER_KEY_PREFIX,
} from '../state/keyspace';
import type { StateBackend } from '../state/state-backend';
import { decodeDelayedMessage, type DelayedMessage } from '../timers/delayed-message';
import { readMarker } from './checkpoint-marker';
import { decodePendingEgress } from './pending-egress-codec';

/** Exactly-once egress records of a committed checkpoint that may not have been delivered. */
export interface UndeliveredEgress {
  readonly checkpointId: number;
  /** Its backend key, to delete once delivered. */
  readonly key: string;
  readonly pending: PendingEgress;
}

/**
 * What the last committed checkpoint in the backend holds for the participants, read before
 * anything is applied: reading it changes nothing, applying it is each participant's
 * {@link CheckpointParticipant.restore}.
 */
export interface RestorePlan {
  /** 0 when the backend holds no checkpoint (a first start). */
  readonly checkpointId: number;
  /** The history the checkpoint belongs to; undefined on a first start. */
  readonly lineage: string | undefined;
  /** Messages queued or in flight at the checkpoint, to deliver again, in order. */
  readonly mailboxes: readonly Envelope[];
  /** The parked messages as `ParkedMessages.encode` wrote them; undefined when none were ever parked. */
  readonly parkedMessages: Uint8Array | undefined;
  readonly timers: readonly DelayedMessage[];
  readonly ingressPositions: ReadonlyMap<string, Uint8Array>;
  /** Oldest first. */
  readonly undeliveredEgress: readonly UndeliveredEgress[];
}

/** Reads the restore plan of the checkpoint `backend` holds. Writes nothing. */
export async function readRestorePlan(backend: StateBackend): Promise<RestorePlan> {
  const marker = await readMarker(backend);
  const mailboxBytes = await backend.get(MAILBOXES_KEY);
  const parkedMessages = await backend.get(PARKED_MESSAGES_KEY);
  const timers: DelayedMessage[] = [];
  for await (const [, value] of backend.scan(TIMER_KEY_PREFIX)) timers.push(decodeDelayedMessage(value));
  const ingressPositions = new Map<string, Uint8Array>();
  for await (const [key, value] of backend.scan(INGRESS_POSITION_PREFIX)) {
    ingressPositions.set(key.slice(INGRESS_POSITION_PREFIX.length), value);
  }
  const undeliveredEgress: UndeliveredEgress[] = [];
  for await (const [key, value] of backend.scan(PENDING_EGRESS_PREFIX)) {
    undeliveredEgress.push({ checkpointId: Number(key.slice(PENDING_EGRESS_PREFIX.length)), key, pending: decodePendingEgress(value) });
  }
  return {
    checkpointId: marker?.checkpointId ?? 0,
    lineage: marker?.lineage,
    mailboxes: mailboxBytes ? decodeEnvelopes(mailboxBytes) : [],
    parkedMessages,
    timers,
    ingressPositions,
    undeliveredEgress,
  };
}
