import { BinaryReader, type WireType } from '@bufbuild/protobuf/wire';

// protobuf-es's BinaryReader set up as the sdk's codecs need it, for the codecs off the hot path
// (egress records). The request-reply codecs read with WireReader (wire-reader.ts).

export { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** Throws when a known field arrives with another wire type than its declared one. */
export function expectWireType(actual: WireType, expected: WireType, field: string): void {
  if (actual !== expected) {
    throw new RangeError(`field ${field} has wire type ${actual}, expected ${expected}`);
  }
}

// TextDecoder drops a leading U+FEFF by default; protobuf strings keep it (protoc's Java and Go
// readers and google-protobuf JS do), or an id '\uFEFFa' would be read as 'a'.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);

/** A reader over `bytes` whose strings keep every character, a leading U+FEFF included. */
export function readerOf(bytes: Uint8Array): BinaryReader {
  return new BinaryReader(bytes, decodeUtf8);
}

/** Reads a length-delimited sub-message: returns a reader over exactly its bytes. */
export function subReader(reader: BinaryReader): BinaryReader {
  return readerOf(reader.bytes());
}
