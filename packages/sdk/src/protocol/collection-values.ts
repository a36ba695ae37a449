// The wire layout of list and map state under any StateFun runtime: one PersistedValue per
// collection, laid out as proto/io/keyflow/sdk/collection-state.proto describes. Written by hand
// with protobuf-es's wire primitives (the generated classes are the reference the tests compare
// against), as the sdk does for every message on its hot path.

import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

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
  /** By key; a key written twice keeps its last entry. */
  readonly entries: Map<string, StoredMapEntry>;
}

/** A decoded `ListStateValue`. */
export interface PbListStateValue {
  readonly elementTypename: string;
  readonly elements: Uint8Array[];
}

/**
 * Encodes a map state's value. Entries are written in key order (JavaScript's string order),
 * so equal maps give equal bytes whatever order they were built in.
 */
export function encodeMapStateValue(valueTypename: string, entries: ReadonlyMap<string, StoredMapEntry>): Uint8Array {
  const writer = new BinaryWriter();
  if (valueTypename !== '') writer.tag(1, WireType.LengthDelimited).string(valueTypename);
  const keys = [...entries.keys()].sort();
  for (const key of keys) {
    const entry = entries.get(key) as StoredMapEntry;
    writer.tag(2, WireType.LengthDelimited).fork();
    if (key !== '') writer.tag(1, WireType.LengthDelimited).string(key);
    if (entry.value.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(entry.value);
    if (entry.expiresAtMillis !== 0) writer.tag(3, WireType.Varint).int64(entry.expiresAtMillis);
    writer.join();
  }
  return writer.finish();
}

/** Decodes a map state's value; throws a `RangeError`/`Error` on malformed bytes. */
export function decodeMapStateValue(bytes: Uint8Array): PbMapStateValue {
  const reader = new BinaryReader(bytes);
  let valueTypename = '';
  const entries = new Map<string, StoredMapEntry>();
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) valueTypename = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) {
      const entry = reader.bytes();
      const [key, stored] = decodeMapEntry(entry);
      entries.set(key, stored);
    } else reader.skip(wireType);
  }
  return { valueTypename, entries };
}

function decodeMapEntry(bytes: Uint8Array): [string, StoredMapEntry] {
  const reader = new BinaryReader(bytes);
  let key = '';
  let value: Uint8Array = new Uint8Array(0);
  let expiresAtMillis = 0;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) key = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) value = reader.bytes();
    else if (field === 3 && wireType === WireType.Varint) expiresAtMillis = Number(reader.int64());
    else reader.skip(wireType);
  }
  return [key, { value, expiresAtMillis }];
}

/** Encodes a list state's value. */
export function encodeListStateValue(elementTypename: string, elements: readonly Uint8Array[]): Uint8Array {
  const writer = new BinaryWriter();
  if (elementTypename !== '') writer.tag(1, WireType.LengthDelimited).string(elementTypename);
  for (const element of elements) writer.tag(2, WireType.LengthDelimited).bytes(element);
  return writer.finish();
}

/** Decodes a list state's value; throws on malformed bytes. */
export function decodeListStateValue(bytes: Uint8Array): PbListStateValue {
  const reader = new BinaryReader(bytes);
  let elementTypename = '';
  const elements: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) elementTypename = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) elements.push(reader.bytes());
    else reader.skip(wireType);
  }
  return { elementTypename, elements };
}
