import { BinaryReader, WireType, type BinaryWriter } from '@bufbuild/protobuf/wire';
import type { PbHeader } from './wire-types';

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

const EMPTY_BYTES = new Uint8Array(0);

/** Reads one `KafkaProducerRecord.Header` (see wire-types.ts): without `has_value`, Kafka's null. */
export function readHeader(reader: BinaryReader): PbHeader {
  return readHeaderFields(reader, 'statefun');
}

/** Reads one `io.keyflow.sdk.Header`: Keyflow's earlier layout (field 1000), no null values. */
export function readLegacyHeader(reader: BinaryReader): PbHeader {
  return readHeaderFields(reader, 'keyflow-legacy');
}

/** The fields of a header; only StateFun's layout has `has_value` (3) and so null values. */
function readHeaderFields(reader: BinaryReader, layout: 'statefun' | 'keyflow-legacy'): PbHeader {
  const header: PbHeader = { key: '', value: EMPTY_BYTES };
  let hasValue = false;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'Header.key');
      header.key = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.LengthDelimited, 'Header.value');
      header.value = reader.bytes();
    } else if (field === 3 && layout === 'statefun') {
      expectWireType(wireType, WireType.Varint, 'Header.has_value');
      hasValue = reader.bool();
    } else {
      reader.skip(wireType, field);
    }
  }
  if (layout === 'statefun' && !hasValue) header.value = null;
  return header;
}

/** Writes each header as one `KafkaProducerRecord.Header` field `fieldNo`; none writes nothing. */
export function writeHeaders(writer: BinaryWriter, fieldNo: number, headers: readonly PbHeader[]): void {
  for (const header of headers) {
    writer.tag(fieldNo, WireType.LengthDelimited).fork();
    if (header.key !== '') writer.tag(1, WireType.LengthDelimited).string(header.key);
    if (header.value !== null) {
      if (header.value.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(header.value);
      writer.tag(3, WireType.Varint).bool(true);
    }
    writer.join();
  }
}
