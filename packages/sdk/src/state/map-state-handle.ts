import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { StoredMapEntry } from '../protocol/collection-values';
import type { PbStateMutation } from '../protocol/wire-types';
import { deserializeElement, serializeElement } from './element-codec';
import type { MapState } from './map-state';
import type { MapBacking, MapChanges } from './state-backing';
import type { MapStateDefinition } from './state-definition';
import type { Clock } from './clock';

/**
 * A {@link MapState} over a {@link MapBacking}: typing, per-entry expiry and the batch's pending
 * changes live here, the stored entries in the backing. Changes reach the backing only through
 * {@link persist}, which the handler calls once the whole batch succeeded.
 */
export class MapStateHandle<V> implements MapState<V> {
  readonly #state: MapStateDefinition;
  readonly #backing: MapBacking;
  readonly #clock: Clock;
  #cleared = false;
  readonly #puts = new Map<string, StoredMapEntry>();
  readonly #deletes = new Set<string>();

  constructor(state: MapStateDefinition, backing: MapBacking, clock: Clock) {
    this.#state = state;
    this.#backing = backing;
    this.#clock = clock;
  }

  async get(key: string): Promise<V | undefined> {
    this.#checkKey(key, 'get');
    const now = this.#clock();
    const entry = await this.#entry(key);
    if (!entry || isExpired(entry, now)) return undefined;
    this.#touch(key, entry, now);
    return deserializeElement(this.#state, entry.value) as V;
  }

  async has(key: string): Promise<boolean> {
    this.#checkKey(key, 'has');
    const now = this.#clock();
    const entry = await this.#entry(key);
    return entry !== undefined && !isExpired(entry, now);
  }

  set(key: string, value: V): void {
    this.#checkKey(key, 'set');
    const bytes = serializeElement(this.#state, value, `${this.#state.property}.set('${key}')`);
    const expiry = this.#state.entryExpiry;
    this.#puts.set(key, { value: bytes, expiresAtMillis: expiry ? this.#clock() + expiry.millis : 0 });
    this.#deletes.delete(key);
  }

  delete(key: string): void {
    this.#checkKey(key, 'delete');
    this.#puts.delete(key);
    if (!this.#cleared) this.#deletes.add(key);
  }

  async keys(): Promise<string[]> {
    const live = await this.#liveEntries(this.#clock());
    return [...live.keys()].sort();
  }

  async entries(): Promise<[string, V][]> {
    const now = this.#clock();
    const live = await this.#liveEntries(now);
    const keys = [...live.keys()].sort();
    return keys.map((key) => {
      const entry = live.get(key) as StoredMapEntry;
      this.#touch(key, entry, now);
      return [key, deserializeElement(this.#state, entry.value) as V];
    });
  }

  async size(): Promise<number> {
    return (await this.#liveEntries(this.#clock())).size;
  }

  clear(): void {
    this.#cleared = true;
    this.#puts.clear();
    this.#deletes.clear();
  }

  /** What the batch changed, for the backing. */
  changes(): MapChanges {
    return { cleared: this.#cleared, puts: this.#puts, deletes: this.#deletes };
  }

  /** The mutations that store the batch's changes; called once, when the batch succeeded. */
  persist(): PbStateMutation[] {
    return this.#backing.persist(this.changes(), this.#clock());
  }

  /** The batch's own entry for `key`: an entry, null when deleted, undefined when unchanged. */
  #pending(key: string): StoredMapEntry | null | undefined {
    const put = this.#puts.get(key);
    if (put) return put;
    return this.#cleared || this.#deletes.has(key) ? null : undefined;
  }

  /** The entry of `key` as the batch sees it, expired or not. */
  async #entry(key: string): Promise<StoredMapEntry | undefined> {
    const pending = this.#pending(key);
    if (pending !== undefined) return pending ?? undefined;
    let stored = this.#backing.read(key);
    if (stored instanceof Promise) {
      stored = await stored;
      // The batch may have changed the key while the entry was read: its own change wins.
      const changed = this.#pending(key);
      if (changed !== undefined) return changed ?? undefined;
    }
    return stored;
  }

  /** Every live entry as the batch sees it. */
  async #liveEntries(now: number): Promise<Map<string, StoredMapEntry>> {
    const entries = new Map<string, StoredMapEntry>();
    if (!this.#cleared) {
      const scan = this.#backing.scan();
      if (Symbol.asyncIterator in scan) {
        for await (const [key, entry] of scan) entries.set(key, entry);
      } else {
        for (const [key, entry] of scan) entries.set(key, entry);
      }
    }
    // Applied after the scan, so changes made while it ran are seen too.
    if (this.#cleared) entries.clear();
    for (const key of this.#deletes) entries.delete(key);
    for (const [key, entry] of this.#puts) entries.set(key, entry);
    for (const [key, entry] of entries) if (isExpired(entry, now)) entries.delete(key);
    return entries;
  }

  /** Under `expireAfterAccess`, a read starts the entry's time to live again. */
  #touch(key: string, entry: StoredMapEntry, now: number): void {
    const expiry = this.#state.entryExpiry;
    if (expiry?.mode !== 'after-access') return;
    this.#puts.set(key, { value: entry.value, expiresAtMillis: now + expiry.millis });
  }

  #checkKey(key: unknown, method: string): void {
    if (typeof key !== 'string') {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_STATE_ACCESS,
        `${this.#state.property}.${method}: map state '${this.#state.name}' has string keys, got ${key === null ? 'null' : typeof key}; convert the key with String(…).`,
      );
    }
  }
}

function isExpired(entry: StoredMapEntry, now: number): boolean {
  return entry.expiresAtMillis !== 0 && entry.expiresAtMillis <= now;
}
