import type { Logger } from '@keyflow/sdk';
import type { PbValueSpec } from '@keyflow/sdk/protocol';
import { typenameOfKey } from '../message/address-key';
import { isExpired } from './time-to-live';
import { decodeCollectionHeader, type CollectionHeader } from './collection-header';
import type { EntryStore } from './entry-store';
import { COLLECTION_KEY_PREFIX, collectionHeaderKey } from './keyspace';
import { decodeStoredMapEntry } from './stored-map-entry-codec';

/** What one sweep found and removed. */
export interface SweepResult {
  /** Keys of the collection region read from the backend. */
  readonly scanned: number;
  /** Expired map entries, entries of cleared map generations and elements of expired lists deleted. */
  readonly deleted: number;
}

/** One key of the collection region, taken apart (see keyspace.ts). */
interface CollectionKey {
  /** The collection's prefix: `c/<length>:<address key><state name>` NUL. */
  readonly prefix: string;
  readonly addressKey: string;
  readonly stateName: string;
  /** What follows the prefix: `h`, `l<index>` or `m<generation><map key>`. */
  readonly rest: string;
}

/** How many candidates are confirmed against the store's current values at a time. */
const CONFIRM_BATCH = 1_000;

/** A key the sweep may delete, and the collection it belongs to. */
interface Candidate extends CollectionKey {
  readonly key: string;
}

/**
 * Removes from storage what no batch can see any more, so that it leaves the next checkpoint:
 * map entries past their expiry that no batch came across, the entries of map generations a
 * `clear()` left behind, and lists whose time to live is over. It walks the backend's collection
 * region (streamed, never held whole) to find candidates, then confirms each against the entry
 * store's current value (memory first, the backend otherwise) and deletes it through the store in
 * the same synchronous step: a write made meanwhile, or a batch in flight, is never overtaken
 * (what such a batch can still read is either live or already invisible to it).
 */
export class CollectionSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly entries: EntryStore,
    /** The registered state specs of a function type (list expiry is per spec). */
    private readonly specsOf: (typename: string) => readonly PbValueSpec[],
    private readonly clock: () => number,
  ) {}

  /**
   * Sweeps every `intervalMs`, one sweep at a time, until {@link stop}. A failed sweep is logged
   * and tried again at the next interval: nothing depends on it but the size of the storage.
   */
  start(intervalMs: number, logger: Logger): void {
    const run = (): void => {
      const began = this.clock();
      this.#running = this.sweep().then(
        (result) => {
          if (result.deleted > 0) logger.info('collection sweep', { ...result, durationMs: this.clock() - began });
        },
        (error: unknown) => logger.warn('collection sweep failed; retrying at the next interval', { error }),
      );
      void this.#running.then(() => {
        this.#running = undefined;
        if (this.#timer) this.#timer = setTimeout(run, intervalMs).unref();
      });
    };
    this.#timer = setTimeout(run, intervalMs).unref();
  }

  /** Stops sweeping; resolves when a sweep under way has finished. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Walks the whole collection region once. */
  async sweep(): Promise<SweepResult> {
    const now = this.clock();
    let scanned = 0;
    let deleted = 0;
    let candidates: Candidate[] = [];
    let header: { prefix: string; value: CollectionHeader | undefined } | undefined;
    for await (const [key, stored] of this.entries.backend.scan(COLLECTION_KEY_PREFIX)) {
      scanned++;
      const parsed = parseCollectionKey(key);
      if (!parsed) continue;
      if (header?.prefix !== parsed.prefix) {
        // A collection's header sorts before its elements and entries ('h' < 'l' < 'm').
        header = { prefix: parsed.prefix, value: parsed.rest === 'h' ? decodeCollectionHeader(stored, key) : undefined };
      }
      if (this.#removable(parsed, stored, header.value, now)) candidates.push({ ...parsed, key });
      if (candidates.length >= CONFIRM_BATCH) {
        deleted += await this.#confirm(candidates, now);
        candidates = [];
      }
    }
    deleted += await this.#confirm(candidates, now);
    return { scanned, deleted };
  }

  /** Deletes the candidates that are still removable by the store's current values. */
  async #confirm(candidates: readonly Candidate[], now: number): Promise<number> {
    const keys = new Set<string>();
    for (const candidate of candidates) keys.add(candidate.key).add(collectionHeaderKey(candidate.prefix));
    await Promise.all([...keys].map((key) => Promise.resolve(this.entries.get(key))));
    // From here on synchronous: the values peeked are the current ones when the deletes are written.
    let deleted = 0;
    for (const candidate of candidates) {
      const value = this.entries.peek(candidate.key);
      const headerKey = collectionHeaderKey(candidate.prefix);
      const headerBytes = this.entries.peek(headerKey);
      if (!value || headerBytes === undefined) continue; // gone, or dropped from the cache meanwhile
      const header = headerBytes === null ? undefined : decodeCollectionHeader(headerBytes, headerKey);
      if (!this.#removable(candidate, value, header, now)) continue;
      this.entries.write(candidate.key, null);
      deleted++;
    }
    return deleted;
  }

  /** Whether a stored key is invisible for good, given its collection's header (undefined: none). */
  #removable(key: CollectionKey, stored: Uint8Array, header: CollectionHeader | undefined, now: number): boolean {
    // Entries are only ever written with their header: without one they are left over.
    if (!header) return key.rest !== 'h';
    if (header.kind === 'list') {
      const spec = this.specsOf(typenameOfKey(key.addressKey)).find((candidate) => candidate.stateName === key.stateName);
      if (spec && isExpired(spec, header, now)) return true;
      return key.rest.startsWith('l') && Number(key.rest.slice(1)) >= header.length;
    }
    if (!key.rest.startsWith('m')) return false;
    if (parseInt(key.rest.slice(1, 9), 16) !== header.generation) return true;
    const { expiresAtMillis } = decodeStoredMapEntry(stored, key.prefix + key.rest);
    return expiresAtMillis !== 0 && expiresAtMillis <= now;
  }
}

/** Takes a key of the collection region apart; undefined for a key of another layout. */
export function parseCollectionKey(key: string): CollectionKey | undefined {
  const colon = key.indexOf(':', COLLECTION_KEY_PREFIX.length);
  if (colon < 0) return undefined;
  const length = parseInt(key.slice(COLLECTION_KEY_PREFIX.length, colon), 36);
  const addressEnd = colon + 1 + length;
  const nameEnd = key.indexOf('\u0000', addressEnd);
  if (!Number.isFinite(length) || nameEnd < 0) return undefined;
  return {
    prefix: key.slice(0, nameEnd + 1),
    addressKey: key.slice(colon + 1, addressEnd),
    stateName: key.slice(addressEnd, nameEnd),
    rest: key.slice(nameEnd + 1),
  };
}
