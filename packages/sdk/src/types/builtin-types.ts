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

// Fixed-width values go through one shared 8-byte scratch: a DataView per call costs an
// allocation on the hot path of every handler.
const scratchBytes = new Uint8Array(8);
const scratch = new DataView(scratchBytes.buffer);

/** Copies `length` bytes at `start` into the scratch, for reading with `scratch.get…`. */
function load(bytes: Uint8Array, start: number, length: number): DataView {
  for (let index = 0; index < length; index++) scratchBytes[index] = bytes[start + index] as number;
  return scratch;
}

/** A field-1 value: `tag`, then the first `length` scratch bytes (set with `scratch.set…`). */
function store(tag: number, length: number): Uint8Array {
  const out = new Uint8Array(1 + length);
  out[0] = tag;
  for (let index = 0; index < length; index++) out[1 + index] = scratchBytes[index] as number;
  return out;
}

/** A little-endian int32 at `start`. */
function readInt32(bytes: Uint8Array, start: number): number {
  return (
    (bytes[start] as number) |
    ((bytes[start + 1] as number) << 8) |
    ((bytes[start + 2] as number) << 16) |
    ((bytes[start + 3] as number) << 24)
  );
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
    out[1] = value;
    out[2] = value >>> 8;
    out[3] = value >>> 16;
    out[4] = value >>> 24;
    return out;
  },
  deserialize(bytes) {
    // The usual encoding, a single field: read it without scanning.
    if (bytes.length === 5 && bytes[0] === TAG_FIXED32) return readInt32(bytes, 1);
    const field = findField1(bytes, 5);
    return field ? readInt32(bytes, field.start) : 0;
  },
};

const longType: Type<number> = {
  typename: 'io.statefun.types/long',
  serialize(value) {
    if (!Number.isInteger(value) || value < -INT64_LIMIT || value >= INT64_LIMIT) throw outOfRange(value, longType.typename);
    if (value === 0) return EMPTY;
    scratch.setBigInt64(0, BigInt(value), true);
    return store(TAG_FIXED64, 8);
  },
  deserialize(bytes) {
    const field = findField1(bytes, 1);
    return field ? Number(load(bytes, field.start, 8).getBigInt64(0, true)) : 0;
  },
};

const floatType: Type<number> = {
  typename: 'io.statefun.types/float',
  serialize(value) {
    // -0 is not the default value 0: protobuf-es writes it, so must we.
    if (Object.is(value, 0)) return EMPTY;
    if (Math.abs(value) > FLOAT32_MAX && Number.isFinite(value)) throw outOfRange(value, floatType.typename);
    scratch.setFloat32(0, value, true);
    return store(TAG_FIXED32, 4);
  },
  deserialize(bytes) {
    const start = bytes.length === 5 && bytes[0] === TAG_FIXED32 ? 1 : findField1(bytes, 5)?.start;
    return start === undefined ? 0 : load(bytes, start, 4).getFloat32(0, true);
  },
};

const doubleType: Type<number> = {
  typename: 'io.statefun.types/double',
  serialize(value) {
    if (Object.is(value, 0)) return EMPTY;
    scratch.setFloat64(0, value, true);
    return store(TAG_FIXED64, 8);
  },
  deserialize(bytes) {
    const field = findField1(bytes, 1);
    return field ? load(bytes, field.start, 8).getFloat64(0, true) : 0;
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
