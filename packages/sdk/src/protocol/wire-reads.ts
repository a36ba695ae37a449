import { RepeatedString, type WireReader } from './wire-reader';
import type { PbAddress, PbHeader, PbTypedValue } from './wire-types';

// The two sub-messages both directions of the protocol read, for the WireReader codecs. Each
// reader consumes one length-delimited sub-message at the reader's position.

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const EMPTY_BYTES = new Uint8Array(0);
const METADATA = 4;

// Fields whose values repeat across messages: typenames, namespaces, function types. Decoding
// is synchronous, so one cache per field serves every message of both directions.
const typenames = new RepeatedString();
const namespaces = new RepeatedString();
const types = new RepeatedString();

/** Reads an `Address` sub-message. */
export function readAddressFrom(reader: WireReader): PbAddress {
  const outer = reader.enter();
  const address: PbAddress = { namespace: '', type: '', id: '' };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Address.namespace');
        address.namespace = reader.string(namespaces);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Address.type');
        address.type = reader.string(types);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'Address.id');
        address.id = reader.string();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return address;
}

/**
 * Reads a `TypedValue` sub-message; its `value` is a view of the input, not a copy. Its
 * `metadata` entries (field 4) are pushed onto `metadata` when given, and skipped otherwise.
 */
export function readTypedValueFrom(reader: WireReader, metadata?: PbHeader[]): PbTypedValue {
  const outer = reader.enter();
  const value: PbTypedValue = { typename: '', hasValue: false, value: EMPTY_BYTES };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'TypedValue.typename');
        value.typename = reader.string(typenames);
        break;
      case 2:
        reader.check(tag, VARINT, 'TypedValue.has_value');
        value.hasValue = reader.bool();
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'TypedValue.value');
        value.value = reader.bytes();
        break;
      case METADATA:
        if (metadata === undefined) {
          reader.skip(tag & 7, tag >>> 3);
        } else {
          reader.check(tag, LENGTH_DELIMITED, 'TypedValue.metadata');
          metadata.push(readHeaderFrom(reader));
        }
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return value;
}

/**
 * Reads a header sub-message (`TypedValue.Metadata`; see wire-types.ts): a value without
 * `has_value` is Kafka's null.
 */
export function readHeaderFrom(reader: WireReader): PbHeader {
  const outer = reader.enter();
  const header: PbHeader = { key: '', value: EMPTY_BYTES };
  let hasValue = false;
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Metadata.key');
        header.key = reader.string();
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Metadata.value');
        header.value = reader.bytes();
        break;
      case 3:
        reader.check(tag, VARINT, 'Metadata.has_value');
        hasValue = reader.bool();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  if (!hasValue) header.value = null;
  return header;
}

/** Reads an `io.keyflow.sdk.Header` sub-message: Keyflow's earlier layout (field 1000), no nulls. */
export function readLegacyHeaderFrom(reader: WireReader): PbHeader {
  const outer = reader.enter();
  const header: PbHeader = { key: '', value: EMPTY_BYTES };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Header.key');
        header.key = reader.string();
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Header.value');
        header.value = reader.bytes();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return header;
}
