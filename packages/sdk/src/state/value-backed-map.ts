import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  MAP_STATE_TYPENAME,
  decodeMapStateValue,
  encodeMapStateValue,
  type StoredMapEntry,
} from '../protocol/collection-values';
import { PbMutationType, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import type { MapBacking, MapChanges } from './state-backing';
import type { MapStateDefinition } from './state-definition';

const NO_ENTRIES: ReadonlyMap<string, StoredMapEntry> = new Map();

/**
 * A map kept whole in the value of one PersistedValue (`io.keyflow.types/map`), as every
 * StateFun runtime can store it: the request carries all entries, and any change writes all of
 * them back, without the expired ones. Decoded on first use.
 */
export class ValueBackedMap implements MapBacking {
  readonly #state: MapStateDefinition;
  readonly #stored: PbTypedValue | undefined;
  #entries: ReadonlyMap<string, StoredMapEntry> | undefined;

  constructor(state: MapStateDefinition, stored: PbTypedValue | undefined) {
    this.#state = state;
    this.#stored = stored;
  }

  read(key: string): StoredMapEntry | undefined {
    return this.#all().get(key);
  }

  scan(): Iterable<readonly [string, StoredMapEntry]> {
    return this.#all();
  }

  persist(changes: MapChanges, nowMillis: number): PbStateMutation[] {
    const { name, type } = this.#state;
    if (!changes.cleared && changes.puts.size === 0 && changes.deletes.size === 0) return [];
    const entries = new Map(changes.cleared ? NO_ENTRIES : this.#all());
    for (const key of changes.deletes) entries.delete(key);
    for (const [key, entry] of changes.puts) entries.set(key, entry);
    for (const [key, entry] of entries) {
      if (entry.expiresAtMillis !== 0 && entry.expiresAtMillis <= nowMillis) entries.delete(key);
    }
    if (entries.size === 0) return [{ mutationType: PbMutationType.DELETE, stateName: name, stateValue: undefined }];
    return [
      {
        mutationType: PbMutationType.MODIFY,
        stateName: name,
        stateValue: { typename: MAP_STATE_TYPENAME, hasValue: true, value: encodeMapStateValue(type.typename, entries) },
      },
    ];
  }

  #all(): ReadonlyMap<string, StoredMapEntry> {
    this.#entries ??= this.#decode();
    return this.#entries;
  }

  #decode(): ReadonlyMap<string, StoredMapEntry> {
    const stored = this.#stored;
    if (!stored || !stored.hasValue) return NO_ENTRIES;
    const { name, type } = this.#state;
    if (stored.typename !== MAP_STATE_TYPENAME) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `State '${name}' holds a value of type ${stored.typename}, but the function declares a map state (${MAP_STATE_TYPENAME}).`,
      );
    }
    let decoded;
    try {
      decoded = decodeMapStateValue(stored.value);
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `State '${name}' is not a valid ${MAP_STATE_TYPENAME} value: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (decoded.entries.size > 0 && decoded.valueTypename !== type.typename) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `Map state '${name}' holds values of type ${decoded.valueTypename}, but the function declares ${type.typename}.`,
      );
    }
    return decoded.entries;
  }
}
