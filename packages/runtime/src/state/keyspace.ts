import type { StateBackend } from './state-backend';

// Every region of the state backend's keys, in one place. Each region has one owner; a
// checkpoint writes all of them in one atomic batch, and recovery reads them back.

/** Function state: `s/<address key>`, owned by the state store. */
export const STATE_KEY_PREFIX = 's/';
/** Delayed messages: `t/<id, zero-padded>`, owned by the timer service. */
export const TIMER_KEY_PREFIX = 't/';
/** Data of ingresses: `i/<ingress id>` NUL `<key>`; each ingress sees only its own. */
export const INGRESS_DATA_PREFIX = 'i/';
/** Exactly-once egress records waiting for delivery: `e/<checkpoint id, zero-padded>`. */
export const PENDING_EGRESS_PREFIX = 'e/';
/** Ingress positions: `m/ingress/<ingress id>`. */
export const INGRESS_POSITION_PREFIX = 'm/ingress/';
/** The id, lineage and time of the last committed checkpoint. */
export const CHECKPOINT_MARKER_KEY = 'm/checkpoint';
/** Every message queued or in flight at the last checkpoint. */
export const MAILBOXES_KEY = 'm/mailboxes';

/** The key of an address's state. */
export function stateKey(addressKey: string): string {
  return STATE_KEY_PREFIX + addressKey;
}

/** The key of a delayed message: zero-padded so that key order is id order. */
export function timerKey(id: number): string {
  return TIMER_KEY_PREFIX + id.toString().padStart(16, '0');
}

/** The key of the exactly-once egress records of a checkpoint. */
export function pendingEgressKey(checkpointId: number): string {
  return PENDING_EGRESS_PREFIX + checkpointId.toString().padStart(16, '0');
}

/** The key of an ingress's position. */
export function ingressPositionKey(ingressId: string): string {
  return INGRESS_POSITION_PREFIX + ingressId;
}

/** The prefix under which an ingress's own keys are stored. */
export function ingressDataPrefix(ingressId: string): string {
  return `${INGRESS_DATA_PREFIX}${ingressId}\u0000`;
}

/**
 * Every entry under `prefix`, with the prefix taken off the keys: how a component reads its
 * own region without seeing the others.
 */
export async function* scanRegion(backend: StateBackend, prefix: string): AsyncIterable<readonly [string, Uint8Array]> {
  for await (const [key, value] of backend.scan(prefix)) yield [key.slice(prefix.length), value];
}
