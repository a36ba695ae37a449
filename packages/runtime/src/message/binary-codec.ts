// A minimal growable byte writer and a reader for the runtime's own storage formats
// (address state, timers, mailbox snapshots). Not a wire format: versioned by its users.

/** Appends varints, strings, bytes and doubles to a growing buffer. */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  uint8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value;
    return this;
  }

  varint(value: number): this {
    this.ensure(10);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.varint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  string(value: string): this {
    const size = Buffer.byteLength(value, 'utf8');
    this.varint(size);
    this.ensure(size);
    this.buffer.write(value, this.length, 'utf8');
    this.length += size;
    return this;
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** Reads what {@link ByteWriter} wrote; throws RangeError on truncated input. */
export class ByteReader {
  private position = 0;
  private readonly buffer: Buffer;

  constructor(bytes: Uint8Array) {
    this.buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.position >= this.buffer.length;
  }

  uint8(): number {
    this.need(1);
    return this.buffer[this.position++] as number;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.uint8();
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 0x80;
      if (multiplier > 2 ** 63) throw new RangeError('varint too long');
    }
  }

  double(): number {
    this.need(8);
    const value = this.buffer.readDoubleLE(this.position);
    this.position += 8;
    return value;
  }

  /** A copy: stored values outlive the buffer they were read from. */
  bytes(): Uint8Array {
    const size = this.varint();
    this.need(size);
    const value = Uint8Array.prototype.slice.call(this.buffer, this.position, this.position + size);
    this.position += size;
    return value;
  }

  string(): string {
    const size = this.varint();
    this.need(size);
    const value = this.buffer.toString('utf8', this.position, this.position + size);
    this.position += size;
    return value;
  }

  private need(size: number): void {
    if (this.position + size > this.buffer.length) throw new RangeError('unexpected end of data');
  }
}
