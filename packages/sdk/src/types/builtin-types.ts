import type { Type } from './type';

// Each built-in type is a protobuf message with one field numbered 1, as StateFun defines
// them in io.statefun.sdk.types. They are encoded by hand: the hot path of every handler
// reads and writes them, and proto3 rules make that a few bytes (default values are omitted,
// so 0, false and '' serialize to no bytes at all; -0 is written, as protobuf-es does).

const EMPTY = new Uint8Array(0);
const TAG_VARINT = 0x08; // field 1, wire type 0
const TAG_FIXED64 = 0x09; // field 1, wire type 1
const TAG_LENGTH_DELIMITED = 0x0a; // field 1, wire type 2
const TAG_FIXED32 = 0x0d; // field 1, wire type 5

/** The bytes of field 1 with the given wire type, or undefined when absent (last one wins). */
function findField1(bytes: Uint8Array, wireType: number): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  let pos = 0;
  while (pos < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, pos);
    pos = afterTag;
    const type = tag & 7;
    let start = pos;
    let end: number;
    switch (type) {
      case 0: {
        end = readVarint(bytes, pos)[1];
        break;
      }
      case 1:
        end = pos + 8;
        break;
      case 2: {
        const [length, afterLength] = readVarint(bytes, pos);
        start = afterLength;
        end = afterLength + length;
        break;
      }
      case 5:
        end = pos + 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${type}`);
    }
    if (end > bytes.length) throw new RangeError('premature end of wrapper value');
    if (tag >>> 3 === 1 && type === wireType) found = { start, end };
    pos = end;
  }
  return found;
}

function readVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new RangeError('premature end of varint');
    const byte = bytes[pos++] as number;
    if (shift < 28) result |= (byte & 0x7f) << shift;
    else result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result >>> 0 === result ? result : result >>> 0, pos];
    shift += 7;
    if (shift > 63) throw new RangeError('varint too long');
  }
}

// Values a wrapper cannot hold are refused, as protobuf-es refuses them, rather than wrapped
// around (2^31 as an int would otherwise come back as -2^31).
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_LIMIT = 2 ** 63;
const FLOAT32_MAX = 3.4028234663852886e38;

function outOfRange(value: number, typename: string): RangeError {
  return new RangeError(`${value} cannot be represented as ${typename}`);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const boolType: Type<boolean> = {
  typename: 'io.statefun.types/bool',
  serialize: (value) => (value ? Uint8Array.of(TAG_VARINT, 1) : EMPTY),
  deserialize(bytes) {
    const field = findField1(bytes, 0);
    if (!field) return false;
    // Any set bit means true, also in varints wider than the 32 bits readVarint keeps.
    for (let pos = field.start; pos < field.end; pos++) if (((bytes[pos] as number) & 0x7f) !== 0) return true;
    return false;
  },
};

const intType: Type<number> = {
  typename: 'io.statefun.types/int',
  serialize(value) {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) throw outOfRange(value, intType.typename);
    if (value === 0) return EMPTY;
    const out = new Uint8Array(5);
    out[0] = TAG_FIXED32;
    view(out).setInt32(1, value, true);
    return out;
  },
  deserialize(bytes) {
    const field = findField1(bytes, 5);
    return field ? view(bytes).getInt32(field.start, true) : 0;
  },
};

const longType: Type<number> = {
  typename: 'io.statefun.types/long',
  serialize(value) {
    if (!Number.isInteger(value) || value < -INT64_LIMIT || value >= INT64_LIMIT) throw outOfRange(value, longType.typename);
    if (value === 0) return EMPTY;
    const out = new Uint8Array(9);
    out[0] = TAG_FIXED64;
    view(out).setBigInt64(1, BigInt(value), true);
    return out;
  },
  deserialize(bytes) {
    const field = findField1(bytes, 1);
    return field ? Number(view(bytes).getBigInt64(field.start, true)) : 0;
  },
};

const floatType: Type<number> = {
  typename: 'io.statefun.types/float',
  serialize(value) {
    // -0 is not the default value 0: protobuf-es writes it, so must we.
    if (Object.is(value, 0)) return EMPTY;
    if (Math.abs(value) > FLOAT32_MAX && Number.isFinite(value)) throw outOfRange(value, floatType.typename);
    const out = new Uint8Array(5);
    out[0] = TAG_FIXED32;
    view(out).setFloat32(1, value, true);
    return out;
  },
  deserialize(bytes) {
    const field = findField1(bytes, 5);
    return field ? view(bytes).getFloat32(field.start, true) : 0;
  },
};

const doubleType: Type<number> = {
  typename: 'io.statefun.types/double',
  serialize(value) {
    if (Object.is(value, 0)) return EMPTY;
    const out = new Uint8Array(9);
    out[0] = TAG_FIXED64;
    view(out).setFloat64(1, value, true);
    return out;
  },
  deserialize(bytes) {
    const field = findField1(bytes, 1);
    return field ? view(bytes).getFloat64(field.start, true) : 0;
  },
};

const stringType: Type<string> = {
  typename: 'io.statefun.types/string',
  serialize(value) {
    if (value.length === 0) return EMPTY;
    const length = Buffer.byteLength(value, 'utf8');
    const lengthBytes = varintSize(length);
    const out = Buffer.allocUnsafe(1 + lengthBytes + length);
    out[0] = TAG_LENGTH_DELIMITED;
    let pos = 1;
    let rest = length;
    while (rest > 0x7f) {
      out[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    out[pos++] = rest;
    out.write(value, pos, 'utf8');
    return out;
  },
  deserialize(bytes) {
    const field = findField1(bytes, 2);
    if (!field) return '';
    return Buffer.from(bytes.buffer, bytes.byteOffset + field.start, field.end - field.start).toString('utf8');
  },
};

function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value >>>= 7;
    size++;
  }
  return size;
}

/**
 * StateFun's built-in types, byte-identical to `io.statefun.types/*`.
 * `long` is carried as a JS number: exact up to ±2^53.
 */
export const Types = {
  bool: boolType,
  int: intType,
  long: longType,
  float: floatType,
  double: doubleType,
  string: stringType,
} as const;
