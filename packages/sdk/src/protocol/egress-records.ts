import { BinaryWriter, WireType, expectWireType, readHeader, readLegacyHeader, readerOf, subReader, writeHeaders } from './wire-format';
import { PB_HEADERS_FIELD, PB_LEGACY_HEADERS_FIELD, type PbHeader } from './wire-types';

/** Typename of a `KafkaProducerRecord` egress value. */
export const KAFKA_PRODUCER_RECORD_TYPENAME = 'type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord';
/** Typename of a `KinesisEgressRecord` egress value. */
export const KINESIS_EGRESS_RECORD_TYPENAME = 'type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord';

/** `io.statefun.sdk.egress.KafkaProducerRecord`. */
export interface PbKafkaProducerRecord {
  key: string;
  valueBytes: Uint8Array;
  topic: string;
  /**
   * The record's headers, in order (field 4, `KafkaProducerRecord.Header`; Keyflow's earlier
   * field 1000 is read too). Left out, never empty, when there are none: a record without
   * headers encodes exactly as in StateFun 3.3.
   */
  headers?: readonly PbHeader[];
}

/** `io.statefun.sdk.egress.KinesisEgressRecord`. */
export interface PbKinesisEgressRecord {
  partitionKey: string;
  valueBytes: Uint8Array;
  stream: string;
  explicitHashKey: string;
}

const EMPTY_BYTES = new Uint8Array(0);

export function encodeKafkaProducerRecord(record: PbKafkaProducerRecord): Uint8Array {
  const writer = new BinaryWriter();
  if (record.key !== '') writer.tag(1, WireType.LengthDelimited).string(record.key);
  if (record.valueBytes.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(record.valueBytes);
  if (record.topic !== '') writer.tag(3, WireType.LengthDelimited).string(record.topic);
  if (record.headers) writeHeaders(writer, PB_HEADERS_FIELD, record.headers);
  return writer.finish();
}

export function decodeKafkaProducerRecord(bytes: Uint8Array): PbKafkaProducerRecord {
  const record: PbKafkaProducerRecord = { key: '', valueBytes: EMPTY_BYTES, topic: '' };
  let headers: PbHeader[] | undefined;
  const reader = readerOf(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'KafkaProducerRecord.key');
        record.key = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'KafkaProducerRecord.value_bytes');
        record.valueBytes = reader.bytes();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'KafkaProducerRecord.topic');
        record.topic = reader.string();
        break;
      case PB_HEADERS_FIELD:
        expectWireType(wireType, WireType.LengthDelimited, 'KafkaProducerRecord.headers');
        (headers ??= []).push(readHeader(subReader(reader)));
        break;
      case PB_LEGACY_HEADERS_FIELD:
        expectWireType(wireType, WireType.LengthDelimited, 'KafkaProducerRecord.legacy_headers');
        (headers ??= []).push(readLegacyHeader(subReader(reader)));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  if (headers) record.headers = headers;
  return record;
}

export function encodeKinesisEgressRecord(record: PbKinesisEgressRecord): Uint8Array {
  const writer = new BinaryWriter();
  if (record.partitionKey !== '') writer.tag(1, WireType.LengthDelimited).string(record.partitionKey);
  if (record.valueBytes.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(record.valueBytes);
  if (record.stream !== '') writer.tag(3, WireType.LengthDelimited).string(record.stream);
  if (record.explicitHashKey !== '') writer.tag(4, WireType.LengthDelimited).string(record.explicitHashKey);
  return writer.finish();
}

export function decodeKinesisEgressRecord(bytes: Uint8Array): PbKinesisEgressRecord {
  const record: PbKinesisEgressRecord = { partitionKey: '', valueBytes: EMPTY_BYTES, stream: '', explicitHashKey: '' };
  const reader = readerOf(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'KinesisEgressRecord.partition_key');
        record.partitionKey = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'KinesisEgressRecord.value_bytes');
        record.valueBytes = reader.bytes();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'KinesisEgressRecord.stream');
        record.stream = reader.string();
        break;
      case 4:
        expectWireType(wireType, WireType.LengthDelimited, 'KinesisEgressRecord.explicit_hash_key');
        record.explicitHashKey = reader.string();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return record;
}
