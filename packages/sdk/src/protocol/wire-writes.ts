import type { WireWriter } from './wire-writer';
import type { PbAddress, PbHeader, PbTypedValue } from './wire-types';

// The sub-messages the WireWriter codecs write: both directions' address and typed value, and
// Keyflow's header extension.

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const METADATA = 4;

/** Writes `address` as field `fieldNo`. Proto3 rules: empty strings are omitted. */
export function writeAddressTo(writer: WireWriter, fieldNo: number, address: PbAddress): void {
  writer.tag(fieldNo, LENGTH_DELIMITED);
  const start = writer.fork();
  if (address.namespace !== '') writer.tag(1, LENGTH_DELIMITED).string(address.namespace);
  if (address.type !== '') writer.tag(2, LENGTH_DELIMITED).string(address.type);
  if (address.id !== '') writer.tag(3, LENGTH_DELIMITED).string(address.id);
  writer.join(start);
}

/**
 * Writes `value` as field `fieldNo`, with `metadata` as its `metadata` entries (field 4).
 * Proto3 rules: defaults are omitted, so a value without metadata is StateFun 3.3's bytes.
 */
export function writeTypedValueTo(writer: WireWriter, fieldNo: number, value: PbTypedValue, metadata?: readonly PbHeader[]): void {
  writer.tag(fieldNo, LENGTH_DELIMITED);
  const start = writer.fork();
  if (value.typename !== '') writer.tag(1, LENGTH_DELIMITED).string(value.typename);
  if (value.hasValue) writer.tag(2, VARINT).bool(true);
  if (value.value.length > 0) writer.tag(3, LENGTH_DELIMITED).bytes(value.value);
  if (metadata) writeHeadersTo(writer, METADATA, metadata);
  writer.join(start);
}

/**
 * Writes each header as one header sub-message (`TypedValue.Metadata`,
 * `KafkaProducerRecord.Header`) in field `fieldNo`: key, value, and `has_value` unless the
 * value is null. None writes nothing.
 */
export function writeHeadersTo(writer: WireWriter, fieldNo: number, headers: readonly PbHeader[]): void {
  for (const header of headers) {
    writer.tag(fieldNo, LENGTH_DELIMITED);
    const start = writer.fork();
    if (header.key !== '') writer.tag(1, LENGTH_DELIMITED).string(header.key);
    if (header.value !== null) {
      if (header.value.length > 0) writer.tag(2, LENGTH_DELIMITED).bytes(header.value);
      writer.tag(3, VARINT).bool(true);
    }
    writer.join(start);
  }
}
