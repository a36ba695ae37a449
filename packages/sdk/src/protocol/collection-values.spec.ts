import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  decodeListStateValue,
  decodeMapStateValue,
  encodeListStateValue,
  encodeMapStateValue,
  type StoredMapEntry,
} from '@keyflow/sdk/protocol';
import {
  ListStateValueSchema,
  MapStateEntrySchema,
  MapStateValueSchema,
} from '../generated/io/keyflow/sdk/collection-state_pb';
import { defined } from '../test-support/run-function';
import { utf8 } from '../test-support/typed-values';
import { indexMapStateValue } from './collection-values';

// The layout is the .proto's: the protobuf-es classes generated from it are the reference.
describe('map state values', () => {
  const entries = new Map<string, StoredMapEntry>([
    ['sku-2', { value: utf8('{"q":2}'), expiresAtMillis: 1_800_000_000_000 }],
    ['sku-1', { value: utf8('{"q":1}'), expiresAtMillis: 0 }],
    ['', { value: new Uint8Array(0), expiresAtMillis: 5 }],
  ]);

  it('are the bytes of a MapStateValue with entries in key order', () => {
    const reference = toBinary(
      MapStateValueSchema,
      create(MapStateValueSchema, {
        valueTypename: 'example/CartLine',
        entries: [
          { key: '', value: new Uint8Array(0), expiresAtMillis: 5n },
          { key: 'sku-1', value: utf8('{"q":1}'), expiresAtMillis: 0n },
          { key: 'sku-2', value: utf8('{"q":2}'), expiresAtMillis: 1_800_000_000_000n },
        ],
      }),
    );
    expect(encodeMapStateValue('example/CartLine', entries)).toEqual(reference);
  });

  it('decode what the reference writes, keeping the last entry of a repeated key and skipping unknown fields', () => {
    const bytes = toBinary(
      MapStateValueSchema,
      create(MapStateValueSchema, {
        valueTypename: 'io.statefun.types/int',
        entries: [
          { key: 'a', value: Uint8Array.of(8, 1), expiresAtMillis: 7n },
          { key: 'b', value: Uint8Array.of(8, 2) },
          { key: 'a', value: Uint8Array.of(8, 3) },
        ],
      }),
    );
    const withUnknown = new Uint8Array([...bytes, 0xd0, 0x3e, 0x01]); // field 1000, varint 1
    const decoded = decodeMapStateValue(withUnknown);
    expect(decoded.valueTypename).toBe('io.statefun.types/int');
    expect([...decoded.entries]).toEqual([
      ['a', { value: Uint8Array.of(8, 3), expiresAtMillis: 0 }],
      ['b', { value: Uint8Array.of(8, 2), expiresAtMillis: 0 }],
    ]);
  });

  it('round-trip, and the reference reads what the sdk writes', () => {
    const bytes = encodeMapStateValue('example/CartLine', entries);
    expect([...decodeMapStateValue(bytes).entries].sort()).toEqual([...entries].sort());
    const reference = fromBinary(MapStateValueSchema, bytes);
    expect(reference.entries.map((e) => [e.key, Number(e.expiresAtMillis)])).toEqual([
      ['', 5],
      ['sku-1', 0],
      ['sku-2', 1_800_000_000_000],
    ]);
    expect(fromBinary(MapStateEntrySchema, toBinary(MapStateEntrySchema, reference.entries[1] ?? create(MapStateEntrySchema))).key).toBe('sku-1');
  });

  it('are indexed in place with the same entries, skipping unknown fields, and refused when out of key order', () => {
    const reference = toBinary(
      MapStateValueSchema,
      create(MapStateValueSchema, {
        valueTypename: 'io.statefun.types/int',
        entries: [
          { key: 'a', value: Uint8Array.of(8, 1), expiresAtMillis: 1_800_000_000_000n },
          { key: 'b', value: Uint8Array.of(8, 2) },
        ],
      }),
    );
    // An unknown varint field (number 1000) at the top and inside the first entry.
    const unknown = [0xc0, 0x3e, 0x05];
    const entryStart = reference.indexOf(0x12);
    const firstLength = reference[entryStart + 1] as number;
    const patched = new Uint8Array([
      ...unknown,
      ...reference.subarray(0, entryStart),
      0x12,
      firstLength + unknown.length,
      ...reference.subarray(entryStart + 2, entryStart + 2 + firstLength),
      ...unknown,
      ...reference.subarray(entryStart + 2 + firstLength),
    ]);
    const index = defined(indexMapStateValue(patched));
    expect(index.valueTypename).toBe('io.statefun.types/int');
    expect([index.keyAt(0), index.keyAt(1)]).toEqual(['a', 'b']);
    expect(index.entryAt(0)).toEqual({ value: Uint8Array.of(8, 1), expiresAtMillis: 1_800_000_000_000 });
    expect(index.find('b')).toBe(1);
    expect(index.find('c')).toBe(-1);
    const outOfOrder = toBinary(MapStateValueSchema, create(MapStateValueSchema, { entries: [{ key: 'b' }, { key: 'a' }] }));
    expect(indexMapStateValue(outOfOrder)).toBeUndefined();
    expect(() => indexMapStateValue(patched.subarray(0, patched.length - 2))).toThrow();
  });

  it('throw on truncated bytes', () => {
    const bytes = encodeMapStateValue('example/CartLine', entries);
    expect(() => decodeMapStateValue(bytes.subarray(0, bytes.length - 3))).toThrow();
  });
});

describe('list state values', () => {
  const elements = [utf8('a'), new Uint8Array(0), utf8('ccc')];

  it('are the bytes of a ListStateValue, elements in order (empty ones too)', () => {
    const reference = toBinary(ListStateValueSchema, create(ListStateValueSchema, { elementTypename: 'io.statefun.types/string', elements }));
    expect(encodeListStateValue('io.statefun.types/string', elements)).toEqual(reference);
    expect(decodeListStateValue(reference)).toEqual({ elementTypename: 'io.statefun.types/string', elements });
  });

  it('have Keyflow typenames', () => {
    expect(MAP_STATE_TYPENAME).toBe('io.keyflow.types/map');
    expect(LIST_STATE_TYPENAME).toBe('io.keyflow.types/list');
  });
});
