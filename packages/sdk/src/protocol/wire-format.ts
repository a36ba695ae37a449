import { BinaryReader, WireType, type BinaryWriter } from '@bufbuild/protobuf/wire';
import type { PbAddress, PbHeader, PbTypedValue } from './wire-types';

// Field-level helpers shared by the codecs built on protobuf-es's BinaryReader and
// BinaryWriter. Each reader consumes one length-delimited sub-message from `reader` and returns
// the plain object.

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

export function readAddress(reader: BinaryReader): PbAddress {
  const address: PbAddress = { namespace: '', type: '', id: '' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.namespace');
        address.namespace = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.type');
        address.type = reader.string();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.id');
        address.id = reader.string();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return address;
}

const EMPTY_BYTES = new Uint8Array(0);

export function readTypedValue(reader: BinaryReader): PbTypedValue {
  const value: PbTypedValue = { typename: '', hasValue: false, value: EMPTY_BYTES };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.typename');
        value.typename = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.Varint, 'TypedValue.has_value');
        value.hasValue = reader.bool();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.value');
        value.value = reader.bytes();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return value;
}

/** Reads one `io.keyflow.sdk.Header` (Keyflow's extension; see wire-types.ts). */
export function readHeader(reader: BinaryReader): PbHeader {
  const header: PbHeader = { key: '', value: EMPTY_BYTES };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'Header.key');
        header.key = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'Header.value');
        header.value = reader.bytes();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return header;
}

/** Writes each header as one `io.keyflow.sdk.Header` field `fieldNo`; none writes nothing. */
export function writeHeaders(writer: BinaryWriter, fieldNo: number, headers: readonly PbHeader[]): void {
  for (const header of headers) {
    writer.tag(fieldNo, WireType.LengthDelimited).fork();
    if (header.key !== '') writer.tag(1, WireType.LengthDelimited).string(header.key);
    if (header.value.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(header.value);
    writer.join();
  }
}
