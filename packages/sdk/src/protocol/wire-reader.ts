// A protobuf reader for the request hot path: one object per message, nested messages read in
// place between bounds (no sub-reader, no copy), strings decoded without TextDecoder. It accepts
// and rejects exactly the inputs that @bufbuild/protobuf's BinaryReader does (checked on
// corrupted input by test/differential/wire-codec-differential.spec.ts), and like the sdk's
// other readers it keeps a leading U+FEFF in strings, as protoc's Java and Go readers and
// google-protobuf JS do (TextDecoder drops it by default, which would change ids).

// Wire types, as local constants: reading them off an imported enum costs a property access
// (a getter, in CommonJS re-exports) in every loop.
const VARINT = 0;
const BIT64 = 1;
const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const BIT32 = 5;

/** Node's Buffer slicing methods (undocumented but stable: Buffer#toString is built on them). */
interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const TWO_TO_THE_32 = 0x1_0000_0000;

/** Below this length, building an ASCII string in JS beats a call into C++. */
const SHORT_STRING = 16;

/**
 * The last value of a string field whose values repeat from message to message (typenames,
 * namespaces): a match of its bytes returns the string without decoding.
 */
export class RepeatedString {
  bytes = new Uint8Array(0);
  text = '';
}

/** Reads one message from `buf`. Nested messages narrow `end` with {@link enter}/{@link leave}. */
export class WireReader {
  readonly buf: Uint8Array;
  pos = 0;
  /** End (exclusive) of the message being read. */
  end: number;
  /** The input as a Buffer, made when first needed (short ASCII strings never need it). */
  #text: BufferSlices | undefined;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.end = buf.length;
  }

  #textOf(): BufferSlices {
    const buf = this.buf;
    this.#text ??= (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) as unknown as BufferSlices;
    return this.#text;
  }

  /** True while the current message has bytes left. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a tag: `field << 3 | wireType`. Rejects field 0, wire types 6 and 7, and overlong tags. */
  tag(): number {
    const start = this.pos;
    const tag = this.uint32();
    const length = this.pos - start;
    if (length > 5 || (length === 5 && (this.buf[this.pos - 1] as number) > 0x0f)) {
      throw new Error('illegal tag: varint overflows uint32');
    }
    if (tag >>> 3 <= 0 || (tag & 7) > 5) throw new Error(`illegal tag: field no ${tag >>> 3} wire type ${tag & 7}`);
    return tag;
  }

  /** Throws unless `tag` has `wireType`: a known field must arrive with its declared wire type. */
  check(tag: number, wireType: number, field: string): void {
    if ((tag & 7) !== wireType) throw new RangeError(`field ${field} has wire type ${tag & 7}, expected ${wireType}`);
  }

  /** Reads an unsigned 32-bit varint (longer varints are truncated to 32 bits, as protobuf does). */
  uint32(): number {
    const buf = this.buf;
    let b = buf[this.pos++] as number;
    if (b < 0x80) {
      this.assertBounds();
      return b;
    }
    let result = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      b = buf[this.pos++] as number;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.assertBounds();
        return result;
      }
    }
    b = buf[this.pos++] as number;
    result |= (b & 0x0f) << 28;
    for (let read = 5; (b & 0x80) !== 0 && read < 10; read++) b = buf[this.pos++] as number;
    if ((b & 0x80) !== 0) throw new Error('invalid varint');
    this.assertBounds();
    return result >>> 0;
  }

  /** Reads an int32: a varint whose low 32 bits are the two's complement value. */
  int32(): number {
    return this.uint32() | 0;
  }

  /**
   * Reads an int64 as the nearest JS number: exact up to 2^53, rounded beyond, as
   * `Number(BinaryReader#int64())` is (one correctly rounded addition of the two halves).
   */
  int64(): number {
    const buf = this.buf;
    let low = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = buf[this.pos++] as number;
      low |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.assertBounds();
        return low;
      }
    }
    b = buf[this.pos++] as number;
    low |= (b & 0x0f) << 28;
    // The high half as a signed 32-bit integer: its top bit is the sign of the int64.
    let high = (b & 0x70) >> 4;
    for (let shift = 3; (b & 0x80) !== 0; shift += 7) {
      if (shift > 31) throw new Error('invalid varint');
      b = buf[this.pos++] as number;
      high |= (b & 0x7f) << shift;
    }
    this.assertBounds();
    return high * TWO_TO_THE_32 + (low >>> 0);
  }

  /** Reads a bool: any non-zero varint of up to 64 bits is true. */
  bool(): boolean {
    const buf = this.buf;
    let nonZero = false;
    for (let read = 0; read < 10; read++) {
      const b = buf[this.pos++] as number;
      if ((read < 9 ? b & 0x7f : b & 0x01) !== 0) nonZero = true;
      if ((b & 0x80) === 0) {
        this.assertBounds();
        return nonZero;
      }
    }
    throw new Error('invalid varint');
  }

  /** Reads a length-delimited field as a view of the input (not a copy). */
  bytes(): Uint8Array {
    const length = this.uint32();
    const start = this.pos;
    this.pos += length;
    this.assertBounds();
    return this.buf.subarray(start, this.pos);
  }

  /**
   * Reads a length-delimited field as UTF-8 text (invalid sequences become U+FFFD). With
   * `repeated`, a value equal to the last one is not decoded again.
   */
  string(repeated?: RepeatedString): string {
    const length = this.uint32();
    const start = this.pos;
    this.pos += length;
    this.assertBounds();
    if (length === 0) return '';
    if (repeated === undefined) return this.#decode(start, this.pos);
    const known = repeated.bytes;
    if (known.length === length) {
      const buf = this.buf;
      let index = 0;
      while (index < length && buf[start + index] === known[index]) index++;
      if (index === length) return repeated.text;
    }
    const text = this.#decode(start, this.pos);
    // A copy: the input may be a pooled Buffer whose memory is later reused for other data.
    const copy = new Uint8Array(length);
    for (let index = 0; index < length; index++) copy[index] = this.buf[start + index] as number;
    repeated.bytes = copy;
    repeated.text = text;
    return text;
  }

  #decode(start: number, end: number): string {
    const length = end - start;
    const buf = this.buf;
    if (length <= SHORT_STRING) {
      let text = '';
      for (let index = start; index < end; index++) {
        const b = buf[index] as number;
        if (b >= 0x80) return this.#textOf().utf8Slice(start, end);
        text += String.fromCharCode(b);
      }
      return text;
    }
    for (let index = start; index < end; index++) {
      if ((buf[index] as number) >= 0x80) return this.#textOf().utf8Slice(start, end);
    }
    return this.#textOf().latin1Slice(start, end);
  }

  /**
   * Enters a length-delimited sub-message: afterwards {@link more} and every read are bounded by
   * its end. Returns what {@link leave} needs to return to the enclosing message.
   */
  enter(): number {
    const length = this.uint32();
    const outer = this.end;
    const end = this.pos + length;
    if (end > outer) throw new RangeError('premature EOF');
    this.end = end;
    return outer;
  }

  /** Leaves the sub-message entered by {@link enter}, positioned after it. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** Skips one field of `wireType`; groups are skipped whole, nested up to 100 deep. */
  skip(wireType: number, field: number, depth = 100): void {
    switch (wireType) {
      case VARINT:
        while ((this.buf[this.pos++] as number) & 0x80) {
          // one byte per iteration
        }
        break;
      case BIT64:
        this.pos += 8;
        break;
      case BIT32:
        this.pos += 4;
        break;
      case LENGTH_DELIMITED: {
        const length = this.uint32();
        this.pos += length;
        break;
      }
      case START_GROUP:
        if (depth <= 0) throw new Error('maximum recursion depth reached');
        for (;;) {
          const tag = this.tag();
          if ((tag & 7) === END_GROUP) {
            if (tag >>> 3 !== field) throw new Error('invalid end group tag');
            break;
          }
          this.skip(tag & 7, tag >>> 3, depth - 1);
        }
        break;
      default:
        throw new Error(`cant skip wire type ${wireType}`);
    }
    this.assertBounds();
  }

  assertBounds(): void {
    if (this.pos > this.end) throw new RangeError('premature EOF');
  }
}
