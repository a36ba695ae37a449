import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  MAP_STATE_TYPENAME,
  MapStateValueWriter,
  decodeMapStateValue,
  indexMapStateValue,
  type MapStateIndex,
  type StoredMapEntry,
} from '../protocol/collection-values';
import { PbMutationType, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import type { MapBacking, MapChanges } from './state-backing';
import type { MapStateDefinition } from './state-definition';

/** The stored map: indexed in place when its keys are in order (as the sdk writes them), else decoded. */
type StoredMap = { readonly index: MapStateIndex } | { readonly map: ReadonlyMap<string, StoredMapEntry> };

const NO_ENTRIES: StoredMap = { map: new Map() };

/**
 * A map kept whole in the value of one PersistedValue (`io.keyflow.types/map`), as every
 * StateFun runtime can store it: the request carries all entries, and any change writes all of
 * them back, without the expired ones. Read on first use into an index of the stored bytes
 * (lookups by binary search); a write copies unchanged entries' bytes as they are and merges
 * the changed ones in, so its cost is a copy of the map plus the changes.
 */
export class ValueBackedMap implements MapBacking {
  readonly #state: MapStateDefinition;
  readonly #stored: PbTypedValue | undefined;
  #loaded: StoredMap | undefined;

  constructor(state: MapStateDefinition, stored: PbTypedValue | undefined) {
    this.#state = state;
    this.#stored = stored;
  }

  read(key: string): StoredMapEntry | undefined {
    const stored = this.#load();
    if ('map' in stored) return stored.map.get(key);
    const position = stored.index.find(key);
    return position < 0 ? undefined : stored.index.entryAt(position);
  }

  *scan(): Iterable<readonly [string, StoredMapEntry]> {
    const stored = this.#load();
    if ('map' in stored) {
      yield* stored.map;
      return;
    }
    const { index } = stored;
    for (let position = 0; position < index.size; position++) yield [index.keyAt(position), index.entryAt(position)];
  }

  persist(changes: MapChanges, nowMillis: number): PbStateMutation[] {
    const { name, type } = this.#state;
    const { cleared, puts, deletes } = changes;
    if (!cleared && puts.size === 0 && deletes.size === 0) return [];
    const out = new MapStateValueWriter(type.typename);
    const stored = cleared ? NO_ENTRIES : this.#load();
    if ('index' in stored) {
      this.#merge(stored.index, changes, nowMillis, out);
    } else {
      const { map } = stored;
      for (const key of [...new Set([...map.keys(), ...puts.keys()])].sort()) {
        const entry = deletes.has(key) ? undefined : (puts.get(key) ?? map.get(key));
        if (entry && isLive(entry, nowMillis)) out.entry(key, entry);
      }
    }
    if (out.count === 0) {
      out.finish();
      return [{ mutationType: PbMutationType.DELETE, stateName: name, stateValue: undefined }];
    }
    return [{ mutationType: PbMutationType.MODIFY, stateName: name, stateValue: { typename: MAP_STATE_TYPENAME, hasValue: true, value: out.finish() } }];
  }

  /**
   * Writes the stored entries with the changes merged in, in key order: runs of unchanged, live
   * entries are copied as stored in one piece; the changed keys are found by binary search.
   */
  #merge(index: MapStateIndex, changes: MapChanges, nowMillis: number, out: MapStateValueWriter): void {
    const { puts, deletes } = changes;
    // Per stored entry: replaced or deleted by the batch.
    const changed = new Uint8Array(index.size);
    for (const key of deletes) {
      const position = index.find(key);
      if (position >= 0) changed[position] = 1;
    }
    const added: string[] = [];
    for (const key of puts.keys()) {
      const position = index.find(key);
      if (position >= 0) changed[position] = 1;
      else added.push(key);
    }
    added.sort();
    let next = 0;
    let runStart = 0;
    for (let position = 0; position <= index.size; position++) {
      const last = position === index.size;
      const expiresAt = last ? 0 : (index.expiresAt[position] as number);
      const unchanged = !last && changed[position] === 0 && (expiresAt === 0 || expiresAt > nowMillis);
      const key = last || next >= added.length ? undefined : index.keyAt(position);
      const addedBefore = next < added.length && (key === undefined || (added[next] as string) < key);
      if (unchanged && !addedBefore) continue;
      out.storedEntries(index, runStart, position);
      for (; next < added.length && (last || (added[next] as string) < (key as string)); next++) {
        const entry = puts.get(added[next] as string) as StoredMapEntry;
        if (isLive(entry, nowMillis)) out.entry(added[next] as string, entry);
      }
      if (unchanged) {
        runStart = position;
        continue;
      }
      runStart = position + 1;
      if (last || deletes.has(index.keyAt(position))) continue;
      const put = puts.get(index.keyAt(position));
      if (put && isLive(put, nowMillis)) out.entry(index.keyAt(position), put);
    }
  }

  #load(): StoredMap {
    this.#loaded ??= this.#decode();
    return this.#loaded;
  }

  #decode(): StoredMap {
    const stored = this.#stored;
    if (!stored || !stored.hasValue) return NO_ENTRIES;
    const { name, type } = this.#state;
    if (stored.typename !== MAP_STATE_TYPENAME) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `State '${name}' holds a value of type ${stored.typename}, but the function declares a map state (${MAP_STATE_TYPENAME}).`,
      );
    }
    let loaded: StoredMap;
    let valueTypename: string;
    let size: number;
    try {
      const index = indexMapStateValue(stored.value);
      if (index) {
        loaded = { index };
        valueTypename = index.valueTypename;
        size = index.size;
      } else {
        const decoded = decodeMapStateValue(stored.value);
        loaded = { map: decoded.entries };
        valueTypename = decoded.valueTypename;
        size = decoded.entries.size;
      }
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `State '${name}' is not a valid ${MAP_STATE_TYPENAME} value: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (size > 0 && valueTypename !== type.typename) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `Map state '${name}' holds values of type ${valueTypename}, but the function declares ${type.typename}.`,
      );
    }
    return loaded;
  }
}

function isLive(entry: StoredMapEntry, nowMillis: number): boolean {
  return entry.expiresAtMillis === 0 || entry.expiresAtMillis > nowMillis;
}
