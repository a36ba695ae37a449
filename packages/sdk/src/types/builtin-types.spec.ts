import { create, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { Types, type Type } from '@keyflow/sdk';
import {
  BooleanWrapperSchema,
  DoubleWrapperSchema,
  FloatWrapperSchema,
  IntWrapperSchema,
  LongWrapperSchema,
  StringWrapperSchema,
} from '../generated/io/statefun/sdk/types/types_pb';
import { fromHex, hex } from '../test-support/hex';
import { BUILTIN_TYPENAMES, unwrapped, wrapped } from '../test-support/typed-values';
import { PROPERTY_SEED } from '../test-support/wire-arbitraries';

const RUNS = { seed: PROPERTY_SEED, numRuns: 300 };
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const FLOAT32_MAX = 3.4028234663852886e38;
/** Full-Unicode text with lone surrogates mixed in (what UTF-8 encoders must replace). */
const anyUtf16 = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

/** Our bytes must equal the generated wrapper's, and both must read back as the reference reads them. */
function expectLikeReference<V>(type: Type<V>, reference: (value: V) => Uint8Array, read: (bytes: Uint8Array) => unknown, value: V): void {
  const ours = type.serialize(value);
  const theirs = reference(value);
  expect(hex(ours)).toBe(hex(theirs));
  expect(type.deserialize(theirs)).toBe(read(theirs));
}

describe('Types typenames', () => {
  it.each(Object.entries(BUILTIN_TYPENAMES))('Types.%s is named %s', (name, typename) => {
    expect(Types[name as keyof typeof Types].typename).toBe(typename);
  });
});

describe('Types.bool', () => {
  it.each([true, false])('serializes %s like BooleanWrapper', (value) => {
    expectLikeReference(Types.bool, (v) => wrapped.bool(v).value, unwrapped.bool, value);
  });

  it('writes true as field 1 varint 1 and false as nothing', () => {
    expect(hex(Types.bool.serialize(true))).toBe('0801');
    expect(Types.bool.serialize(false)).toHaveLength(0);
  });

  it('reads any non-zero varint as true, like protobuf', () => {
    expect(Types.bool.deserialize(fromHex('08 02'))).toBe(true);
    expect(Types.bool.deserialize(fromHex('08 80 01'))).toBe(true);
    expect(Types.bool.deserialize(fromHex('08 80 80 80 80 10'))).toBe(true); // 2^32: wider than 32 bits
    expect(unwrapped.bool(fromHex('08 80 80 80 80 10'))).toBe(true);
    expect(Types.bool.deserialize(fromHex('08 00'))).toBe(false);
    expect(Types.bool.deserialize(fromHex('08 80 80 00'))).toBe(false); // a padded zero
  });
});

describe('Types.int (sfixed32)', () => {
  it.each([0, -0, 1, -1, 42, -42, 255, 65_536, INT32_MAX, INT32_MIN])('serializes %d like IntWrapper', (value) => {
    expectLikeReference(Types.int, (v) => wrapped.int(v).value, unwrapped.int, value);
  });

  it('uses field 1 with wire type 5 and four little-endian bytes', () => {
    expect(hex(Types.int.serialize(1))).toBe('0d01000000');
    expect(hex(Types.int.serialize(-1))).toBe('0dffffffff');
    expect(hex(Types.int.serialize(INT32_MIN))).toBe('0d00000080');
  });

  it('matches the reference on every int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN, max: INT32_MAX }), (value) => {
        expectLikeReference(Types.int, (v) => wrapped.int(v).value, unwrapped.int, value);
      }),
      RUNS,
    );
  });

  it.each([INT32_MAX + 1, INT32_MIN - 1, 1.5, NaN, Infinity])('refuses %d, which an int32 cannot hold', (value) => {
    expect(() => Types.int.serialize(value)).toThrow(RangeError);
  });
});

describe('Types.long (sfixed64)', () => {
  const values = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, -(2 ** 53)];
  it.each(values)('serializes %d like LongWrapper', (value) => {
    expectLikeReference(Types.long, (v) => wrapped.long(v).value, (bytes) => Number(unwrapped.long(bytes)), value);
  });

  it('uses field 1 with wire type 1 and eight little-endian bytes', () => {
    expect(hex(Types.long.serialize(-2))).toBe('09feffffffffffffff');
    expect(hex(Types.long.serialize(2 ** 53))).toBe('090000000000002000');
  });

  it('matches the reference on every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        expectLikeReference(Types.long, (v) => wrapped.long(v).value, (bytes) => Number(unwrapped.long(bytes)), value);
      }),
      RUNS,
    );
  });

  it('reads the int64 extremes as the nearest numbers', () => {
    expect(Types.long.deserialize(wrapped.long(2n ** 63n - 1n).value)).toBe(2 ** 63);
    expect(Types.long.deserialize(wrapped.long(-(2n ** 63n)).value)).toBe(-(2 ** 63));
  });

  it.each([2 ** 63, -(2 ** 64), 0.5, NaN, -Infinity])('refuses %d, which an int64 cannot hold', (value) => {
    expect(() => Types.long.serialize(value)).toThrow(RangeError);
  });
});

describe('Types.float (float)', () => {
  const values = [0, -0, 1, -1, 1.5, -2.25, 0.1, 1e-45, -1e-50, FLOAT32_MAX, -FLOAT32_MAX, NaN, Infinity, -Infinity];
  it.each(values)('serializes %d like FloatWrapper', (value) => {
    expectLikeReference(Types.float, (v) => wrapped.float(v).value, unwrapped.float, value);
  });

  it('writes -0 (it is not the default value) and reads it back as -0', () => {
    expect(hex(Types.float.serialize(-0))).toBe('0d00000080');
    expect(Object.is(Types.float.deserialize(Types.float.serialize(-0)), -0)).toBe(true);
  });

  it('rounds to the nearest float32', () => {
    expect(Types.float.deserialize(Types.float.serialize(0.1))).toBe(Math.fround(0.1));
  });

  it('matches the reference on every float32', () => {
    fc.assert(
      fc.property(fc.float(), (value) => {
        expectLikeReference(Types.float, (v) => wrapped.float(v).value, unwrapped.float, value);
      }),
      RUNS,
    );
  });

  it('refuses finite values beyond the float32 range, as protobuf-es does', () => {
    expect(() => Types.float.serialize(1e39)).toThrow(RangeError);
    expect(() => Types.float.serialize(-1e39)).toThrow(RangeError);
  });
});

describe('Types.double (double)', () => {
  const values = [0, -0, 1, -1, 0.1, -123.456, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON, NaN, Infinity, -Infinity];
  it.each(values)('serializes %d like DoubleWrapper', (value) => {
    expectLikeReference(Types.double, (v) => wrapped.double(v).value, unwrapped.double, value);
  });

  it('writes -0 and reads it back as -0', () => {
    expect(hex(Types.double.serialize(-0))).toBe('090000000000000080');
    expect(Object.is(Types.double.deserialize(Types.double.serialize(-0)), -0)).toBe(true);
  });

  it('matches the reference on every double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expectLikeReference(Types.double, (v) => wrapped.double(v).value, unwrapped.double, value);
      }),
      RUNS,
    );
  });
});

describe('Types.string (string)', () => {
  const values = ['', 'a', 'hello world', 'héllo', '日本語', '🎉 party', 'zero\u0000byte', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(20_000)];
  it.each(values.map((value) => [value.length, value]))('serializes a string of %d UTF-16 units like StringWrapper', (_length, value) => {
    expectLikeReference(Types.string, (v) => wrapped.string(v).value, unwrapped.string, value);
  });

  it('writes the UTF-8 byte length, not the UTF-16 length', () => {
    expect(hex(Types.string.serialize('é'))).toBe('0a02c3a9');
    expect(hex(Types.string.serialize('🎉'))).toBe('0a04f09f8e89');
  });

  it('replaces a lone surrogate with U+FFFD, exactly as the reference does', () => {
    expectLikeReference(Types.string, (v) => wrapped.string(v).value, unwrapped.string, '\ud800x');
    expect(Types.string.deserialize(Types.string.serialize('\ud800x'))).toBe('\ufffdx');
  });

  it('matches the reference on random strings of any code points', () => {
    fc.assert(
      fc.property(anyUtf16, (value) => {
        expectLikeReference(Types.string, (v) => wrapped.string(v).value, unwrapped.string, value);
      }),
      RUNS,
    );
  });

  it('reads a string out of a larger buffer without reading past its bytes', () => {
    const buffer = fromHex('ff ff 0a 02 6869 ff ff');
    expect(Types.string.deserialize(buffer.subarray(2, 6))).toBe('hi');
  });
});

describe('deserializing wrapper bytes', () => {
  const schemas: [keyof typeof Types, DescMessage, unknown][] = [
    ['bool', BooleanWrapperSchema, true],
    ['int', IntWrapperSchema, -7],
    ['long', LongWrapperSchema, -7n],
    ['float', FloatWrapperSchema, 2.5],
    ['double', DoubleWrapperSchema, -2.5],
    ['string', StringWrapperSchema, 'päss'],
  ];

  it.each(schemas)('Types.%s reads its default value from empty bytes', (name) => {
    const defaults = { bool: false, int: 0, long: 0, float: 0, double: 0, string: '' };
    expect(Types[name].deserialize(new Uint8Array(0))).toBe(defaults[name]);
  });

  it.each(schemas)('Types.%s skips unknown fields around field 1', (name, schema, value) => {
    const message = create(schema, { value });
    message.$unknown = [
      { no: 2, wireType: WireType.Varint, data: Uint8Array.of(0x96, 0x01) },
      { no: 3, wireType: WireType.LengthDelimited, data: Uint8Array.of(2, 0x08, 0x01) },
      { no: 4, wireType: WireType.Bit32, data: new Uint8Array(4) },
      { no: 5, wireType: WireType.Bit64, data: new Uint8Array(8) },
    ];
    const expected = typeof value === 'bigint' ? Number(value) : value;
    expect(Types[name].deserialize(toBinary(schema, message))).toBe(expected);
  });

  it('takes the last value when field 1 occurs twice, like protobuf', () => {
    expect(Types.int.deserialize(fromHex('0d 01000000 0d 02000000'))).toBe(2);
    expect(Types.string.deserialize(fromHex('0a 01 61 0a 01 62'))).toBe('b');
  });

  it.each([
    ['int', '0d 0100'],
    ['long', '09 01020304'],
    ['float', '0d'],
    ['double', '09 0000'],
    ['string', '0a 05 6869'],
    ['bool', '08 80'],
  ] as const)('Types.%s throws on truncated bytes', (name, bytes) => {
    expect(() => Types[name].deserialize(fromHex(bytes))).toThrow();
  });
});
