import { decodeCollectionHeader, type CollectionHeader } from '../state/collection-header';
import { COLLECTION_KEY_PREFIX, mapGenerationPrefix } from '../state/keyspace';
import type { EntryStore } from '../state/entry-store';
import { decodeStoredMapEntry } from '../state/stored-map-entry-codec';
import type { MapEntryView, ValueView, ValueViewer } from './value-view';

/** The most elements or entries of one collection a lookup shows. */
export const MAX_COLLECTION_ITEMS = 1_000;

/** A list or map state stored entry by entry (embedded functions), as the console shows it. */
export interface CollectionView {
  readonly name: string;
  readonly header: CollectionHeader;
  readonly value: ValueView;
}

const NUL = '\u0000';

/**
 * Reads the list and map states of the address `addressKey` that live entry by entry, with
 * the writes not yet committed: each one's header and its elements or current entries (at most
 * {@link MAX_COLLECTION_ITEMS}; `truncated` says there were more).
 */
export async function collectionViews(entries: EntryStore, addressKey: string, viewer: ValueViewer): Promise<CollectionView[]> {
  const prefix = `${COLLECTION_KEY_PREFIX}${addressKey.length.toString(36)}:${addressKey}`;
  const found = new Map<string, { header?: CollectionHeader; items: (readonly [string, Uint8Array])[]; more: boolean }>();
  for await (const [key, value] of entries.scan(prefix)) {
    const rest = key.slice(prefix.length);
    const nul = rest.indexOf(NUL);
    const name = rest.slice(0, nul);
    const part = rest.slice(nul + 1);
    let collection = found.get(name);
    if (collection === undefined) {
      collection = { items: [], more: false };
      found.set(name, collection);
    }
    if (part === 'h') collection.header = decodeCollectionHeader(value, key);
    else if (collection.items.length < MAX_COLLECTION_ITEMS * 2) collection.items.push([part, value]);
    else collection.more = true;
  }
  const views: CollectionView[] = [];
  for (const [name, { header, items, more }] of found) {
    if (header === undefined) continue; // entries of a collection cleared and not yet swept
    views.push({ name, header, value: viewOf(header, items, more, prefix + name + NUL, viewer) });
  }
  return views;
}

function viewOf(header: CollectionHeader, items: readonly (readonly [string, Uint8Array])[], more: boolean, prefix: string, viewer: ValueViewer): ValueView {
  if (header.kind === 'list') {
    const elements = items.filter(([part]) => part.startsWith('l')).slice(0, Math.min(header.length, MAX_COLLECTION_ITEMS));
    return {
      typename: 'io.keyflow.types/list',
      encoding: 'list',
      elements: elements.map(([, bytes]) => viewer.view(header.typename, bytes)),
      ...(header.length > elements.length ? { truncated: true } : {}),
    };
  }
  const generation = mapGenerationPrefix(prefix, header.generation).slice(prefix.length);
  const current = items.filter(([part]) => part.startsWith(generation));
  const shown: MapEntryView[] = current.slice(0, MAX_COLLECTION_ITEMS).map(([part, bytes]) => {
    const entry = decodeStoredMapEntry(bytes, prefix + part);
    return { key: part.slice(generation.length), value: viewer.view(header.typename, entry.value), ...(entry.expiresAtMillis === 0 ? {} : { expiresAt: entry.expiresAtMillis }) };
  });
  return { typename: 'io.keyflow.types/map', encoding: 'map', entries: shown, ...(more || current.length > shown.length ? { truncated: true } : {}) };
}
