// The wire layout of list and map state under any StateFun runtime: one PersistedValue per
// collection, laid out as proto/io/keyflow/sdk/collection-state.proto describes. Written with
// the sdk's own WireWriter/WireReader (the generated classes are the reference the tests compare
// against): a value-backed collection is decoded and re-encoded whole on every change, so this is
// its hot path.

import { RepeatedString, WireReader } from './wire-reader';
import { WireWriter } from './wire-writer';

/** The typename of a map state's value: a `MapStateValue`. */
export const MAP_STATE_TYPENAME = 'io.keyflow.types/map';
/** The typename of a list state's value: a `ListStateValue`. */
export const LIST_STATE_TYPENAME = 'io.keyflow.types/list';

/** One map entry as stored: the value's bytes and when it expires (epoch ms; 0: never). */
export interface StoredMapEntry {
  readonly value: Uint8Array;
  readonly expiresAtMillis: number;
}

/** A decoded `MapStateValue`. */
export interface PbMapStateValue {
  readonly valueTypename: string;
  /** By key, in the order they were stored; a key written twice keeps its last entry. */
  readonly entries: Map<string, StoredMapEntry>;
  /** True when the stored keys were in ascending key order, each once (as the sdk writes them). */
  readonly inKeyOrder: boolean;
}

/** A decoded `ListStateValue`. */
export interface PbListStateValue {
  readonly elementTypename: string;
  readonly elements: Uint8Array[];
}

// Tags: field number << 3 | wire type (0: varint, 2: length-delimited).
const TAG_TYPENAME = 0x0a; // field 1, both messages
const TAG_ITEMS = 0x12; // field 2: MapStateValue.entries, ListStateValue.elements
const TAG_KEY = 0x0a;
const TAG_VALUE = 0x12;
const TAG_EXPIRES_AT = 0x18;
const EMPTY: Uint8Array = new Uint8Array(0);

const writer = new WireWriter();

/**
 * Writes one `MapStateValue`, entry by entry, in the order given (the caller keeps key order).
 * One at a time: it reuses a module-wide scratch buffer until {@link finish}.
 */
export class MapStateValueWriter {
  /** How many entries were written. */
  count = 0;

  constructor(valueTypename: string) {
    writer.reset();
    if (valueTypename !== '') writer.tag(1, 2).string(valueTypename);
  }

  entry(key: string, entry: StoredMapEntry): void {
    writer.uint32(TAG_ITEMS);
    const start = writer.fork();
    if (key !== '') writer.uint32(TAG_KEY).string(key);
    if (entry.value.length > 0) writer.uint32(TAG_VALUE).bytes(entry.value);
    if (entry.expiresAtMillis !== 0) writer.uint32(TAG_EXPIRES_AT).int64(entry.expiresAtMillis);
    writer.join(start);
    this.count++;
  }

  /** Copies the entries at positions `from` to `to` (exclusive) of an index as they are stored. */
  storedEntries(index: MapStateIndex, from: number, to: number): void {
    if (to <= from) return;
    writer.append(index.bytes.subarray(index.spans[6 * from], index.spans[6 * (to - 1) + 1]));
    this.count += to - from;
  }

  /** The bytes written, copied out. */
  finish(): Uint8Array {
    return writer.finish();
  }
}

/**
 * Encodes a map state's value. Entries are written in key order (JavaScript's string order),
 * so equal maps give equal bytes whatever order they were built in.
 */
export function encodeMapStateValue(valueTypename: string, entries: ReadonlyMap<string, StoredMapEntry>): Uint8Array {
  const out = new MapStateValueWriter(valueTypename);
  for (const key of [...entries.keys()].sort()) out.entry(key, entries.get(key) as StoredMapEntry);
  return out.finish();
}

/** Decodes a map state's value; throws on malformed bytes. Values are views of `bytes`. */
export function decodeMapStateValue(bytes: Uint8Array): PbMapStateValue {
  const reader = new WireReader(bytes);
  let valueTypename = '';
  const entries = new Map<string, StoredMapEntry>();
  let inKeyOrder = true;
  let previous: string | undefined;
  while (reader.more()) {
    const tag = reader.tag();
    if (tag === TAG_TYPENAME) valueTypename = reader.string();
    else if (tag === TAG_ITEMS) {
      const outer = reader.enter();
      let key = '';
      let value = EMPTY;
      let expiresAtMillis = 0;
      while (reader.more()) {
        const field = reader.tag();
        if (field === TAG_KEY) key = reader.string();
        else if (field === TAG_VALUE) value = reader.bytes();
        else if (field === TAG_EXPIRES_AT) expiresAtMillis = reader.int64();
        else reader.skip(field & 7, field >>> 3);
      }
      reader.leave(outer);
      if (previous !== undefined && !(previous < key)) inKeyOrder = false;
      previous = key;
      entries.set(key, { value, expiresAtMillis });
    } else reader.skip(tag & 7, tag >>> 3);
  }
  return { valueTypename, entries, inKeyOrder };
}

/**
 * A `MapStateValue` read in place for lookups and merges, without decoding its entries: where
 * each entry's field, key and value are, and its expiry. Keys are decoded only when asked for
 * (a lookup decodes about log2(n) of them). Only for values whose keys are in ascending order,
 * each once, as the sdk writes them; {@link indexMapStateValue} checks that lazily, see there.
 */
export class MapStateIndex {
  readonly #keys: (string | undefined)[];

  constructor(
    readonly valueTypename: string,
    readonly bytes: Uint8Array,
    /** Per entry: field start (at its tag), field end, key start, key end, value start, value end. */
    readonly spans: readonly number[],
    readonly expiresAt: readonly number[],
  ) {
    this.#keys = new Array<string | undefined>(expiresAt.length);
  }

  get size(): number {
    return this.expiresAt.length;
  }

  /** The key of the entry at `position`. */
  keyAt(position: number): string {
    let key = this.#keys[position];
    if (key === undefined) {
      const { spans } = this;
      key = utf8.decode(this.bytes.subarray(spans[6 * position + 2], spans[6 * position + 3]));
      this.#keys[position] = key;
    }
    return key;
  }

  /** The stored entry at `position`. */
  entryAt(position: number): StoredMapEntry {
    const { spans } = this;
    return { value: this.bytes.subarray(spans[6 * position + 4], spans[6 * position + 5]), expiresAtMillis: this.expiresAt[position] as number };
  }

  /** The position of `key`, or -1 (binary search: the keys are in order). */
  find(key: string): number {
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.keyAt(middle);
      if (candidate === key) return middle;
      if (candidate < key) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** True when every key is greater than the one before (decodes every key). */
  isInKeyOrder(): boolean {
    for (let position = 1; position < this.size; position++) if (!(this.keyAt(position - 1) < this.keyAt(position))) return false;
    return true;
  }
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Indexes a map state's value without decoding its entries; throws on malformed bytes. The sdk
 * writes keys in ascending order, each once, and trusts a value whose entries' key bytes
 * ascend; a value written otherwise (by another writer) is undefined here: decode it with
 * {@link decodeMapStateValue}.
 */
export function indexMapStateValue(bytes: Uint8Array): MapStateIndex | undefined {
  // This runs for every batch that changes a value-backed map: no closures, plain arrays.
  const reader = new WireReader(bytes);
  let valueTypename = '';
  const spans: number[] = [];
  const expiries: number[] = [];
  let previousKeyStart = -1;
  let previousKeyEnd = -1;
  while (reader.more()) {
    const fieldStart = reader.pos;
    const tag = reader.tag();
    if (tag === TAG_TYPENAME) {
      valueTypename = reader.string(lastValueTypename);
      continue;
    }
    if (tag !== TAG_ITEMS) {
      reader.skip(tag & 7, tag >>> 3);
      continue;
    }
    const outer = reader.enter();
    let keyStart = 0;
    let keyEnd = 0;
    let valueStart = 0;
    let valueEnd = 0;
    let expiresAtMillis = 0;
    while (reader.more()) {
      const field = reader.tag();
      if (field === TAG_KEY) {
        const length = reader.uint32();
        keyStart = reader.pos;
        reader.pos += length;
        keyEnd = reader.pos;
        reader.assertBounds();
      } else if (field === TAG_VALUE) {
        const length = reader.uint32();
        valueStart = reader.pos;
        reader.pos += length;
        valueEnd = reader.pos;
        reader.assertBounds();
      } else if (field === TAG_EXPIRES_AT) expiresAtMillis = reader.int64();
      else reader.skip(field & 7, field >>> 3);
    }
    const end = reader.end;
    reader.leave(outer);
    // UTF-8 byte order is code point order, which is JavaScript's string order except past
    // U+FFFF; keys there fall back to a full decode, as do keys out of order or repeated.
    if (previousKeyStart >= 0 && compareBytes(bytes, previousKeyStart, previousKeyEnd, keyStart, keyEnd) >= 0) return undefined;
    for (let index = keyStart; index < keyEnd; index++) if ((bytes[index] as number) >= 0xf0) return undefined;
    previousKeyStart = keyStart;
    previousKeyEnd = keyEnd;
    spans.push(fieldStart, end, keyStart, keyEnd, valueStart, valueEnd);
    expiries.push(expiresAtMillis);
  }
  return new MapStateIndex(valueTypename, bytes, spans, expiries);
}

/** The value typename of the last map indexed: maps of one state repeat it from batch to batch. */
const lastValueTypename = new RepeatedString();

function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let offset = 0; offset < length; offset++) {
    const difference = (bytes[aStart + offset] as number) - (bytes[bStart + offset] as number);
    if (difference !== 0) return difference;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Encodes a list state's value. */
export function encodeListStateValue(elementTypename: string, elements: readonly Uint8Array[]): Uint8Array {
  writer.reset();
  if (elementTypename !== '') writer.tag(1, 2).string(elementTypename);
  for (const element of elements) writer.uint32(TAG_ITEMS).bytes(element);
  return writer.finish();
}

/** Decodes a list state's value; throws on malformed bytes. Elements are views of `bytes`. */
export function decodeListStateValue(bytes: Uint8Array): PbListStateValue {
  const reader = new WireReader(bytes);
  let elementTypename = '';
  const elements: Uint8Array[] = [];
  while (reader.more()) {
    const tag = reader.tag();
    if (tag === TAG_TYPENAME) elementTypename = reader.string();
    else if (tag === TAG_ITEMS) elements.push(reader.bytes());
    else reader.skip(tag & 7, tag >>> 3);
  }
  return { elementTypename, elements };
}
