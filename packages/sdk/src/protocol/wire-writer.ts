// A protobuf writer for the reply hot path. Everything is written into one scratch buffer that
// is reused from call to call; a sub-message reserves one byte for its length and is moved only
// in the rare case that it turns out longer than 127 bytes. The result is copied out once.
// Bytes are identical to @bufbuild/protobuf's BinaryWriter output for the same calls.

import { BinaryWriter } from '@bufbuild/protobuf/wire';

const INITIAL_CAPACITY = 16 * 1024;
/** A scratch buffer grown past this (by a huge reply) is replaced by a small one at the next reset. */
const RETAINED_CAPACITY = 1024 * 1024;
/** Strings up to this many UTF-16 units take at most 126 bytes: their length fits one byte. */
const ONE_BYTE_LENGTH_STRING = 42;

/**
 * Writes one protobuf message at a time into a reused buffer: `reset()`, then tags and values,
 * `fork()`/`join(start)` around each sub-message, then `finish()` for a copy of the bytes.
 */
export class WireWriter {
  #buf: Buffer;
  /** The same memory as a plain Uint8Array, whose slice() copies into a plain Uint8Array. */
  #bytes: Uint8Array;
  #pos = 0;

  constructor() {
    this.#buf = Buffer.allocUnsafeSlow(INITIAL_CAPACITY);
    this.#bytes = new Uint8Array(this.#buf.buffer, this.#buf.byteOffset, this.#buf.length);
  }

  /** Starts a new message, reusing the scratch buffer. */
  reset(): this {
    if (this.#buf.length > RETAINED_CAPACITY) this.#resize(INITIAL_CAPACITY);
    this.#pos = 0;
    return this;
  }

  /** A copy of the bytes written since {@link reset}. */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#pos);
  }

  #ensure(extra: number): void {
    const needed = this.#pos + extra;
    if (needed > this.#buf.length) this.#resize(Math.max(needed, this.#buf.length * 2));
  }

  #resize(capacity: number): void {
    const resized = Buffer.allocUnsafeSlow(capacity);
    this.#buf.copy(resized, 0, 0, Math.min(this.#pos, capacity));
    this.#buf = resized;
    this.#bytes = new Uint8Array(resized.buffer, resized.byteOffset, resized.length);
  }

  /** Writes an unsigned 32-bit varint. */
  uint32(value: number): this {
    this.#ensure(5);
    const buf = this.#buf;
    let pos = this.#pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.#pos = pos;
    return this;
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): this {
    return this.uint32(((field << 3) | wireType) >>> 0);
  }

  /** Writes an int32 varint (negative values take ten bytes, as protobuf specifies). */
  int32(value: number): this {
    if (value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) return this.uint32(value);
    return this.#raw(new BinaryWriter().int32(value).finish());
  }

  /** Writes an int64 varint from a JS number. */
  int64(value: number): this {
    if (value >= 0 && value <= 0xffffffff && Number.isInteger(value)) return this.uint32(value);
    if (value > 0 && Number.isSafeInteger(value)) {
      this.#ensure(10);
      const buf = this.#buf;
      let pos = this.#pos;
      while (value > 0x7f) {
        buf[pos++] = (value % 0x80) | 0x80;
        value = Math.floor(value / 0x80);
      }
      buf[pos++] = value;
      this.#pos = pos;
      return this;
    }
    // Negative, unsafe or invalid: as protobuf-es writes (or rejects) them.
    return this.#raw(new BinaryWriter().int64(value).finish());
  }

  bool(value: boolean): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = value ? 1 : 0;
    return this;
  }

  /** Writes a length-delimited byte string. */
  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    return this.#raw(value);
  }

  /** Writes a length-delimited UTF-8 string (a lone surrogate becomes U+FFFD, as with TextEncoder). */
  string(value: string): this {
    const length = value.length;
    if (length <= ONE_BYTE_LENGTH_STRING) {
      this.#ensure(1 + 3 * length);
      const buf = this.#buf;
      const start = this.#pos + 1;
      let pos = start;
      for (let index = 0; index < length; index++) {
        const code = value.charCodeAt(index);
        if (code >= 0x80) {
          pos = start + buf.write(value, start, 'utf8');
          break;
        }
        buf[pos++] = code;
      }
      buf[start - 1] = pos - start;
      this.#pos = pos;
      return this;
    }
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.uint32(byteLength);
    this.#ensure(byteLength);
    this.#pos += this.#buf.write(value, this.#pos, byteLength, byteLength === length ? 'latin1' : 'utf8');
    return this;
  }

  /** Appends bytes that are already protobuf (whole fields copied from another message). */
  append(bytes: Uint8Array): this {
    return this.#raw(bytes);
  }

  /** Starts a length-delimited sub-message; pass the result to {@link join} when it is written. */
  fork(): number {
    this.#ensure(1);
    this.#pos++;
    return this.#pos;
  }

  /** Ends the sub-message started at `start`, writing its length before it. */
  join(start: number): this {
    const length = this.#pos - start;
    if (length < 0x80) {
      this.#buf[start - 1] = length;
      return this;
    }
    let extra = 0;
    for (let rest = length >>> 7; rest > 0; rest >>>= 7) extra++;
    this.#ensure(extra);
    const buf = this.#buf;
    buf.copyWithin(start + extra, start, this.#pos);
    let pos = start - 1;
    let rest = length;
    while (rest > 0x7f) {
      buf[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[pos] = rest;
    this.#pos += extra;
    return this;
  }

  #raw(bytes: Uint8Array): this {
    const length = bytes.length;
    this.#ensure(length);
    const buf = this.#buf;
    let pos = this.#pos;
    if (length <= 32) {
      for (let index = 0; index < length; index++) buf[pos++] = bytes[index] as number;
    } else {
      buf.set(bytes, pos);
      pos += length;
    }
    this.#pos = pos;
    return this;
  }
}
