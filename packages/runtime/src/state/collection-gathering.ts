import {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  encodeListStateValue,
  encodeMapStateValue,
  type PbValueSpec,
  type StoredMapEntry,
} from '@keyflow/sdk/protocol';
import type { AddressState, StoredValue } from './address-state';
import { isCollectionSpec } from './collection-batch';
import { decodeCollectionHeader, type CollectionHeader } from './collection-header';
import { collectionHeaderKey, collectionPrefix, mapGenerationPrefix } from './keyspace';
import type { StateStore } from './state-store';
import { decodeStoredMapEntry } from './stored-map-entry-codec';

/** One collection found stored entry by entry, made whole again. */
interface Gathered {
  readonly name: string;
  readonly value: StoredValue;
  /** Every key it had in the collection region, to delete. */
  readonly keys: readonly string[];
}

/**
 * For an endpoint that takes lists and maps whole (remote, sidecar): moves the address's
 * collections that are stored entry by entry (written while the function ran embedded) back
 * into whole values of its state, so the request carries them. Returns the address's state as
 * it is then; synchronous when the headers are known (the usual case: the function never ran
 * embedded, so there are none) and nothing has to move.
 */
export function gatherCollections(
  state: StateStore,
  addressKey: string,
  specs: readonly PbValueSpec[],
  addressState: AddressState | null,
): AddressState | null | Promise<AddressState | null> {
  const collections = specs.filter(isCollectionSpec);
  if (collections.length === 0) return addressState;
  const prefixes = collections.map((spec) => collectionPrefix(addressKey, spec.stateName));
  const headers = prefixes.map((prefix) => state.entries.get(collectionHeaderKey(prefix)));
  if (headers.every((header) => header === null)) return addressState;
  return (async () => {
    const gathered: Gathered[] = [];
    for (const [index, spec] of collections.entries()) {
      const prefix = prefixes[index] as string;
      const bytes = await headers[index];
      if (!bytes) continue;
      const header = decodeCollectionHeader(bytes, collectionHeaderKey(prefix));
      gathered.push(await gather(state, spec.stateName, prefix, header));
    }
    // One synchronous step: the entries go and the whole values come, or neither.
    const next = new Map(addressState ?? []);
    for (const { name, value, keys } of gathered) {
      next.set(name, value);
      for (const key of keys) state.entries.write(key, null);
    }
    const result = next.size === 0 ? null : next;
    state.write(addressKey, result);
    return result;
  })();
}

async function gather(state: StateStore, name: string, prefix: string, header: CollectionHeader): Promise<Gathered> {
  const keys = [collectionHeaderKey(prefix)];
  const { writtenAt, accessedAt } = header;
  if (header.kind === 'map') {
    const entriesPrefix = mapGenerationPrefix(prefix, header.generation);
    const entries = new Map<string, StoredMapEntry>();
    for await (const [key, bytes] of state.entries.scan(entriesPrefix)) {
      keys.push(key);
      entries.set(key.slice(entriesPrefix.length), decodeStoredMapEntry(bytes, key));
    }
    const value = encodeMapStateValue(header.typename, entries);
    return { name, keys, value: { typename: MAP_STATE_TYPENAME, value, writtenAt, accessedAt } };
  }
  const elements: Uint8Array[] = [];
  for await (const [key, bytes] of state.entries.scan(`${prefix}l`)) {
    keys.push(key);
    if (elements.length < header.length) elements.push(bytes);
  }
  const value = encodeListStateValue(header.typename, elements);
  return { name, keys, value: { typename: LIST_STATE_TYPENAME, value, writtenAt, accessedAt } };
}

/**
 * The address's lists and maps that are stored entry by entry, each made whole as a remote
 * endpoint would get it, without changing anything (for inspection, e.g. the test kit's state).
 */
export async function readCollectionsWhole(state: StateStore, addressKey: string, specs: readonly PbValueSpec[]): Promise<ReadonlyMap<string, StoredValue>> {
  const whole = new Map<string, StoredValue>();
  for (const spec of specs.filter(isCollectionSpec)) {
    const prefix = collectionPrefix(addressKey, spec.stateName);
    const bytes = await state.entries.get(collectionHeaderKey(prefix));
    if (!bytes) continue;
    const header = decodeCollectionHeader(bytes, collectionHeaderKey(prefix));
    whole.set(spec.stateName, (await gather(state, spec.stateName, prefix, header)).value);
  }
  return whole;
}
