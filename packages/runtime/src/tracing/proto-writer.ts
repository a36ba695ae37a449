/** Protobuf wire types, as the encoding writes them in a field's tag. */
export const Wire = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type Wire = (typeof Wire)[keyof typeof Wire];

const TWO_POW_32 = 2 ** 32;

/**
 * Protobuf encoding into one buffer that grows and is reused: what the trace export writes
 * (varints, strings, hex ids as bytes, fixed64 times, nested messages). A nested message is
 * written in place after a one-byte length, moved up in the rare case its length needs more;
 * so encoding a span allocates nothing but what the strings need. Not @bufbuild/protobuf's
 * BinaryWriter, which the project uses elsewhere: it keeps a byte array and a typed array per
 * string until it finishes, and with it traces at 1 % cost +1.5–2.0 µs of CPU a message in
 * bench/runtime/observability-overhead.ts (as it ran then: a runtime per round in one process),
 * against +0.75–0.91 µs with this writer.
 */
export class ProtoWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** A copy of what was written; the writer starts empty again. */
  take(): Buffer {
    const bytes = Buffer.from(this.#buffer.subarray(0, this.#length));
    this.#length = 0;
    return bytes;
  }

  tag(field: number, wire: Wire): void {
    this.varint(field * 8 + wire);
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(value: number): void {
    this.#reserve(10);
    while (value >= 0x80) {
      this.#buffer[this.#length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#buffer[this.#length++] = value;
  }

  /** A signed 64-bit integer as a varint (negative ones in ten bytes, two's complement). */
  int64(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    let rest = BigInt.asUintN(64, BigInt(value));
    this.#reserve(10);
    while (rest >= 0x80n) {
      this.#buffer[this.#length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#buffer[this.#length++] = Number(rest);
  }

  string(field: number, text: string): void {
    this.tag(field, Wire.LengthDelimited);
    // Short ASCII text (names, attribute keys and values) is copied here: cheaper than a call
    // into Buffer's native write for a few bytes.
    if (text.length < 0x80 && this.#asciiAt(this.#length + 1, text)) {
      this.#buffer[this.#length] = text.length;
      this.#length += 1 + text.length;
      return;
    }
    const bytes = Buffer.byteLength(text);
    this.varint(bytes);
    this.#reserve(bytes);
    this.#length += this.#buffer.write(text, this.#length, 'utf8');
  }

  /** A bytes field given in hex (trace and span ids); the hex is well-formed (the SDK checked it). */
  hexBytes(field: number, hex: string): void {
    const bytes = hex.length >> 1;
    this.tag(field, Wire.LengthDelimited);
    this.varint(bytes);
    this.#reserve(bytes);
    const buffer = this.#buffer;
    let at = this.#length;
    for (let index = 0; index < hex.length; index += 2) {
      buffer[at++] = (nibble(hex.charCodeAt(index)) << 4) | nibble(hex.charCodeAt(index + 1));
    }
    this.#length = at;
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, Wire.LengthDelimited);
    this.varint(data.byteLength);
    this.raw(data);
  }

  /** Bytes already encoded (fields of the message being written), as they are. */
  raw(data: Uint8Array): void {
    this.#reserve(data.byteLength);
    this.#buffer.set(data, this.#length);
    this.#length += data.byteLength;
  }

  /** A fixed64 of `seconds * 1e9 + nanos`, exactly (the product is past 2^53 for today's dates). */
  fixed64Nanos(field: number, seconds: number, nanos: number): void {
    this.tag(field, Wire.Fixed64);
    this.#reserve(8);
    // seconds = high * 2^16 + low; each part times 1e9 stays below 2^53.
    const low = (seconds % 0x10000) * 1e9 + nanos;
    const high = Math.floor(seconds / 0x10000) * 1e9;
    // total = high * 2^16 + low, split into 32-bit words.
    const sumLow = (low % TWO_POW_32) + (high % 0x10000) * 0x10000;
    this.#word(sumLow % TWO_POW_32);
    this.#word((Math.floor(low / TWO_POW_32) + Math.floor(high / 0x10000) + Math.floor(sumLow / TWO_POW_32)) % TWO_POW_32);
  }

  fixed32(field: number, value: number): void {
    this.tag(field, Wire.Fixed32);
    this.#reserve(4);
    this.#word(value >>> 0);
  }

  double(field: number, value: number): void {
    this.tag(field, Wire.Fixed64);
    this.#reserve(8);
    this.#buffer.writeDoubleLE(value, this.#length);
    this.#length += 8;
  }

  /** Starts nested message `field`; returns where, for {@link end}. */
  begin(field: number): number {
    this.tag(field, Wire.LengthDelimited);
    this.#reserve(1);
    return this.#length++;
  }

  /** Ends the nested message begun at `start`, writing its length before it. */
  end(start: number): void {
    const size = this.#length - start - 1;
    let lengthBytes = 1;
    for (let rest = size; rest >= 0x80; rest = Math.floor(rest / 0x80)) lengthBytes++;
    if (lengthBytes > 1) {
      this.#reserve(lengthBytes - 1);
      this.#buffer.copyWithin(start + lengthBytes, start + 1, this.#length);
      this.#length += lengthBytes - 1;
    }
    let at = start;
    let rest = size;
    while (rest >= 0x80) {
      this.#buffer[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[at] = rest;
  }

  /** A 32-bit word, little-endian; room was reserved. */
  #word(value: number): void {
    const buffer = this.#buffer;
    const at = this.#length;
    buffer[at] = value & 0xff;
    buffer[at + 1] = (value >>> 8) & 0xff;
    buffer[at + 2] = (value >>> 16) & 0xff;
    buffer[at + 3] = value >>> 24;
    this.#length = at + 4;
  }

  /** Copies `text` to `at` if it is all ASCII (true); otherwise leaves the bytes past the length undefined. */
  #asciiAt(at: number, text: string): boolean {
    this.#reserve(1 + text.length);
    const buffer = this.#buffer;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0x80) return false;
      buffer[at + index] = code;
    }
    return true;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#length + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/** The value of a hex digit's character code (either case). */
function nibble(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}
