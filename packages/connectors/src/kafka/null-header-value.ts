/** The part of kafkajs's protocol encoder that writes a varint-length-prefixed byte string. */
interface VarIntBytesWriter {
  writeVarIntBytes(this: VarIntWriter, value: unknown): VarIntWriter;
}
interface VarIntWriter {
  writeVarInt(value: number): VarIntWriter;
}

/**
 * Stands for Kafka's null header value in the headers handed to kafkajs. kafkajs 2.2 cannot
 * write a null header value itself: its record encoder measures every value with
 * `Buffer.byteLength` before it checks for null, and that throws. This empty buffer measures as
 * zero bytes, which takes the same single varint byte as the -1 length of a null value, and
 * {@link writeNullHeaderValues} makes the encoder write that -1 for it.
 */
export const NULL_HEADER_VALUE: Buffer = Buffer.alloc(0);

let installed: boolean | undefined;

/**
 * Makes kafkajs's encoder write {@link NULL_HEADER_VALUE} as a null value (length -1) instead of
 * an empty one; every other value is written as before. Reaches into kafkajs's encoder module;
 * returns false when it is not where kafkajs 2.2 has it, and then the marker goes out as an empty
 * value. Idempotent.
 */
export function writeNullHeaderValues(): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  let encoder: { prototype?: Partial<VarIntBytesWriter> };
  try {
    // A plain require, so that the module instance patched is the one kafkajs itself uses
    // (also under test runners with their own module registry).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    encoder = require('kafkajs/src/protocol/encoder') as typeof encoder;
  } catch {
    return installed;
  }
  const original = encoder.prototype?.writeVarIntBytes;
  if (encoder.prototype === undefined || typeof original !== 'function') return installed;
  encoder.prototype.writeVarIntBytes = function writeVarIntBytes(this: VarIntWriter, value: unknown): VarIntWriter {
    return value === NULL_HEADER_VALUE ? this.writeVarInt(-1) : original.call(this, value);
  };
  installed = true;
  return installed;
}
