import type { StateBackend } from './state-backend';

// Every region of the state backend's keys, in one place. Each region has one owner; a
// checkpoint writes all of them in one atomic batch, and recovery reads them back.

/** Function state: `s/<address key>`, owned by the state store. */
export const STATE_KEY_PREFIX = 's/';
/**
 * List and map state stored entry by entry: `c/<length of the address key, base 36>:<address
 * key><state name>` NUL, then `h`
 * (the collection's header: element typename, list length, map generation, times), `l<index,
 * zero-padded>` (a list element) or `m<generation, hex>` `<map key>` (a map entry). Owned by the
 * state store's entry store; see {@link collectionPrefix}.
 */
export const COLLECTION_KEY_PREFIX = 'c/';
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
/** The messages parked after their invocation kept failing, at the last checkpoint. */
export const PARKED_MESSAGES_KEY = 'm/parked';

/** The key of an address's state. */
export function stateKey(addressKey: string): string {
  return STATE_KEY_PREFIX + addressKey;
}

/**
 * The prefix of every key of one list or map state of an address. The address key is preceded
 * by its length (an id may hold any character) and state names hold no NUL, so a prefix never
 * begins another one.
 */
export function collectionPrefix(addressKey: string, stateName: string): string {
  return `${COLLECTION_KEY_PREFIX}${addressKey.length.toString(36)}:${addressKey}${stateName}\u0000`;
}

/**
 * The prefix of the collection keys of every address whose key is `length` characters long and
 * begins with `addressKeyStart` (e.g. a function type and NUL: its addresses of that length).
 */
export function collectionRegionPrefix(length: number, addressKeyStart: string): string {
  return `${COLLECTION_KEY_PREFIX}${length.toString(36)}:${addressKeyStart}`;
}

/** The address key of a collection key (see {@link collectionPrefix}); undefined for another key. */
export function addressKeyOfCollection(key: string): string | undefined {
  if (!key.startsWith(COLLECTION_KEY_PREFIX)) return undefined;
  const colon = key.indexOf(':', COLLECTION_KEY_PREFIX.length);
  const length = parseInt(key.slice(COLLECTION_KEY_PREFIX.length, colon), 36);
  if (colon < 0 || !Number.isSafeInteger(length)) return undefined;
  return key.slice(colon + 1, colon + 1 + length);
}

/** The key of a collection's header, under its {@link collectionPrefix}. */
export function collectionHeaderKey(prefix: string): string {
  return `${prefix}h`;
}

/** The key of list element `index`: zero-padded so that key order is index order. */
export function listElementKey(prefix: string, index: number): string {
  return `${prefix}l${index.toString().padStart(12, '0')}`;
}

/**
 * The prefix of a map's entries of one generation. `clear()` starts a new generation, so it
 * writes one header instead of deleting every entry; the old generation's entries are
 * unreachable from then on and the collection sweeper deletes them.
 */
export function mapGenerationPrefix(prefix: string, generation: number): string {
  return `${prefix}m${generation.toString(16).padStart(8, '0')}`;
}

/** The key of a map entry. */
export function mapEntryKey(prefix: string, generation: number, key: string): string {
  return mapGenerationPrefix(prefix, generation) + key;
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
