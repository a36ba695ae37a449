import { KeyflowError } from '@keyflow/sdk';
import {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  PbExpireMode,
  decodeListStateValue,
  decodeMapStateValue,
  type ListBacking,
  type ListStateDefinition,
  type MapBacking,
  type MapStateDefinition,
  type PbValueSpec,
  type StateBackings,
} from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { AddressState, StoredValue } from './address-state';
import { isExpired } from './time-to-live';
import { decodeCollectionHeader, encodeCollectionHeader, type CollectionHeader } from './collection-header';
import { EntryBackedList } from './entry-backed-list';
import { EntryBackedMap } from './entry-backed-map';
import { collectionHeaderKey, collectionPrefix, listElementKey, mapEntryKey } from './keyspace';
import { encodeStoredMapEntry } from './stored-map-entry-codec';
import type { StateStore } from './state-store';

/** True for the spec of a list or map state (the Keyflow sdk declares them with these typenames). */
export function isCollectionSpec(spec: PbValueSpec): boolean {
  return spec.typeTypename === MAP_STATE_TYPENAME || spec.typeTypename === LIST_STATE_TYPENAME;
}

/** One list or map state of the batch's address: where its keys are and its header as the batch found it. */
interface OpenCollection {
  readonly spec: PbValueSpec;
  readonly prefix: string;
  /** Undefined when the collection is empty (or its list expired). */
  readonly header: CollectionHeader | undefined;
}

/**
 * The list and map states of one address for one batch, stored entry by entry: the backings the
 * sdk's handles read through (handed to the embedded function with the batch) and the entry
 * writes they stage. The writes reach the entry store only in {@link apply}, which the
 * dispatcher calls in the same synchronous step as it applies the batch's other effects; a batch
 * that fails is dropped with its writes.
 */
export class CollectionBatch implements StateBackings {
  readonly #state: StateStore;
  readonly #collections = new Map<string, OpenCollection>();
  readonly #writes = new Map<string, Uint8Array | null>();
  readonly #now: number;
  /**
   * The address's state once the collections it held whole were moved into entries: what the
   * batch request must carry (the address's state is written so as well).
   */
  readonly addressState: AddressState | null;
  readonly #stage = (key: string, value: Uint8Array | null): void => {
    this.#writes.set(key, value);
  };

  /**
   * Opens the collections among `specs` for the address `addressKey`: reads their headers (from
   * memory when cached, else in one backend read) and moves collections that `addressState`
   * still holds whole (written before entry-level storage, or restored from such a checkpoint)
   * into entries. Undefined when the function has no list or map state.
   */
  static open(
    state: StateStore,
    addressKey: string,
    specs: readonly PbValueSpec[],
    addressState: AddressState | null,
    now: number,
  ): CollectionBatch | Promise<CollectionBatch> | undefined {
    const collections = specs.filter(isCollectionSpec);
    if (collections.length === 0) return undefined;
    const prefixes = collections.map((spec) => collectionPrefix(addressKey, spec.stateName));
    const headers = prefixes.map((prefix) => state.entries.get(collectionHeaderKey(prefix)));
    const make = (values: readonly (Uint8Array | null)[]): CollectionBatch =>
      new CollectionBatch(state, addressKey, collections, prefixes, values, addressState, now);
    if (headers.some((header) => header instanceof Promise)) return Promise.all(headers.map((header) => Promise.resolve(header))).then(make);
    return make(headers as (Uint8Array | null)[]);
  }

  private constructor(
    state: StateStore,
    addressKey: string,
    specs: readonly PbValueSpec[],
    prefixes: readonly string[],
    headers: readonly (Uint8Array | null)[],
    addressState: AddressState | null,
    now: number,
  ) {
    this.#state = state;
    this.#now = now;
    this.addressState = addressState;
    const whole: string[] = [];
    specs.forEach((spec, index) => {
      const prefix = prefixes[index] as string;
      const bytes = headers[index];
      let header = bytes ? decodeCollectionHeader(bytes, collectionHeaderKey(prefix)) : undefined;
      if (header && header.kind === 'list' && isExpired(spec, header, now)) {
        // Expired as a whole: invisible from now on, its elements deleted with the batch.
        for (let element = 0; element < header.length; element++) this.#stage(listElementKey(prefix, element), null);
        this.#stage(collectionHeaderKey(prefix), null);
        header = undefined;
      }
      const stored = addressState?.get(spec.stateName);
      if (stored) {
        whole.push(spec.stateName);
        if (!isExpired(spec, stored, now)) header = this.#moveIntoEntries(spec, prefix, header, stored);
      }
      this.#collections.set(spec.stateName, { spec, prefix, header });
    });
    if (whole.length > 0 && addressState) {
      const rest = new Map(addressState);
      for (const name of whole) rest.delete(name);
      this.addressState = rest.size === 0 ? null : rest;
      state.write(addressKey, this.addressState);
    }
  }

  map(state: MapStateDefinition): MapBacking {
    const { prefix, header } = this.#collection(state.name);
    return new EntryBackedMap(this.#state.entries, prefix, header, state, this.#now, this.#stage);
  }

  list(state: ListStateDefinition): ListBacking {
    const { prefix, header } = this.#collection(state.name);
    return new EntryBackedList(this.#state.entries, prefix, header, state, this.#now, this.#stage);
  }

  /**
   * Writes the batch's staged entries into the entry store, and refreshes the access time of
   * lists that expire after invoke. Called once, when the batch's effects are applied.
   */
  apply(): void {
    for (const { spec, prefix, header } of this.#collections.values()) {
      const headerKey = collectionHeaderKey(prefix);
      if (header && spec.expirationSpec?.mode === PbExpireMode.AFTER_INVOKE && !this.#writes.has(headerKey)) {
        this.#stage(headerKey, encodeCollectionHeader({ ...header, accessedAt: this.#now }));
      }
    }
    const entries = this.#state.entries;
    for (const [key, value] of this.#writes) entries.write(key, value);
  }

  #collection(name: string): OpenCollection {
    const found = this.#collections.get(name);
    if (!found) {
      throw new KeyflowError(
        RuntimeErrorCodes.STATE_NEGOTIATION_FAILED,
        `The function asked for the entries of state '${name}', which the runtime has not registered as a list or map state; it must be reported in IncompleteInvocationContext first.`,
      );
    }
    return found;
  }

  /**
   * Writes a collection kept whole in one PersistedValue as entries (at once, so the batch reads
   * them), over what entries there were: a map in a new generation, a list from index 0.
   */
  #moveIntoEntries(spec: PbValueSpec, prefix: string, header: CollectionHeader | undefined, stored: StoredValue): CollectionHeader {
    const entries = this.#state.entries;
    const { writtenAt, accessedAt } = stored;
    let moved: CollectionHeader;
    try {
      if (spec.typeTypename === MAP_STATE_TYPENAME) {
        const map = decodeMapStateValue(stored.value);
        const generation = header ? header.generation + 1 : 0;
        moved = { kind: 'map', typename: map.valueTypename, length: 0, generation, writtenAt, accessedAt };
        for (const [key, entry] of map.entries) entries.write(mapEntryKey(prefix, generation, key), encodeStoredMapEntry(entry));
      } else {
        const list = decodeListStateValue(stored.value);
        moved = { kind: 'list', typename: list.elementTypename, length: list.elements.length, generation: 0, writtenAt, accessedAt };
        list.elements.forEach((bytes, index) => entries.write(listElementKey(prefix, index), bytes));
        for (let index = list.elements.length; index < (header?.length ?? 0); index++) entries.write(listElementKey(prefix, index), null);
      }
    } catch (error) {
      throw new KeyflowError(
        RuntimeErrorCodes.STATE_CORRUPT,
        `The stored value of ${spec.typeTypename} state '${spec.stateName}' cannot be decoded (${(error as Error).message}); restore the state folder from a checkpoint.`,
        { cause: error },
      );
    }
    entries.write(collectionHeaderKey(prefix), encodeCollectionHeader(moved));
    return moved;
  }
}
