import { KeyflowError, SdkErrorCodes } from '@keyflow/sdk';
import type { MapBacking, MapChanges, MapStateDefinition, MaybePromise, PbStateMutation, StoredMapEntry } from '@keyflow/sdk/protocol';
import type { CollectionHeader } from './collection-header';
import type { EntryStore } from './entry-store';
import { collectionHeaderKey, mapEntryKey, mapGenerationPrefix } from './keyspace';
import { encodeCollectionHeader } from './collection-header';
import { decodeStoredMapEntry, encodeStoredMapEntry } from './stored-map-entry-codec';

/** Where a batch's entry writes wait until the dispatcher applies the batch's effects. */
export type StageWrite = (key: string, value: Uint8Array | null) => void;

/**
 * A map state of one address stored entry by entry in the runtime's entry store: `read` is one
 * key (from memory, or one backend read), `scan` streams the map's current generation, and
 * `persist` stages only the entries the batch changed (plus the deletion of expired entries it
 * came across). No PersistedValue travels: the sdk's handle sees the entries through this.
 */
export class EntryBackedMap implements MapBacking {
  readonly #generation: number;
  readonly #entriesPrefix: string;
  /** Keys found expired while reading: deleted from storage with the batch's changes. */
  readonly #expiredSeen = new Set<string>();

  constructor(
    private readonly store: EntryStore,
    private readonly prefix: string,
    private readonly header: CollectionHeader | undefined,
    private readonly state: MapStateDefinition,
    private readonly now: number,
    private readonly stage: StageWrite,
  ) {
    if (header && (header.kind !== 'map' || header.typename !== state.type.typename)) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `Map state '${state.name}' holds ${header.kind === 'map' ? `values of type ${header.typename}` : 'a list'}, but the function declares a map of ${state.type.typename}; keep the declared type or give the state a new name.`,
      );
    }
    this.#generation = header?.generation ?? 0;
    this.#entriesPrefix = mapGenerationPrefix(prefix, this.#generation);
  }

  read(key: string): MaybePromise<StoredMapEntry | undefined> {
    const storeKey = this.#entriesPrefix + key;
    const bytes = this.store.get(storeKey);
    if (bytes instanceof Promise) return bytes.then((value) => this.#decode(key, storeKey, value));
    return this.#decode(key, storeKey, bytes);
  }

  async *scan(): AsyncIterable<readonly [string, StoredMapEntry]> {
    const prefix = this.#entriesPrefix;
    for await (const [storeKey, bytes] of this.store.scan(prefix)) {
      const key = storeKey.slice(prefix.length);
      const entry = this.#decode(key, storeKey, bytes);
      if (entry) yield [key, entry];
    }
  }

  persist(changes: MapChanges, nowMillis: number): PbStateMutation[] {
    const { cleared, puts, deletes } = changes;
    if (!cleared && puts.size === 0 && deletes.size === 0 && this.#expiredSeen.size === 0) return [];
    // A clear starts the next generation: one header write instead of a delete per entry.
    const generation = cleared && this.header ? this.#generation + 1 : this.#generation;
    if (!this.header || generation !== this.#generation) {
      const { typename } = this.state.type;
      this.stage(
        collectionHeaderKey(this.prefix),
        encodeCollectionHeader({ kind: 'map', typename, length: 0, generation, writtenAt: this.now, accessedAt: this.now }),
      );
    }
    if (!cleared) {
      for (const key of this.#expiredSeen) if (!puts.has(key)) this.stage(mapEntryKey(this.prefix, generation, key), null);
      for (const key of deletes) this.stage(mapEntryKey(this.prefix, generation, key), null);
    }
    for (const [key, entry] of puts) {
      const live = entry.expiresAtMillis === 0 || entry.expiresAtMillis > nowMillis;
      this.stage(mapEntryKey(this.prefix, generation, key), live ? encodeStoredMapEntry(entry) : null);
    }
    return [];
  }

  #decode(key: string, storeKey: string, bytes: Uint8Array | null): StoredMapEntry | undefined {
    if (bytes === null) return undefined;
    const entry = decodeStoredMapEntry(bytes, storeKey);
    if (entry.expiresAtMillis !== 0 && entry.expiresAtMillis <= this.now) this.#expiredSeen.add(key);
    return entry;
  }
}
