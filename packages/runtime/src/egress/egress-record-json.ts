import { Types } from '@keyflow/sdk';
import {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  decodeKafkaProducerRecord,
  decodeKinesisEgressRecord,
} from '@keyflow/sdk/protocol';
import type { EgressRecord } from './egress-record';

/** An egress record as a JSON line of the file egress. */
export interface EgressRecordJson {
  readonly egress: string;
  readonly typename: string;
  readonly topic?: string;
  readonly key?: string;
  readonly stream?: string;
  readonly partitionKey?: string;
  /** A Kafka record's headers, in order, when it has any; each value as {@link egressRecordToJson} writes bytes, or null for Kafka's null. */
  readonly headers?: readonly { readonly key: string; readonly value: unknown }[];
  readonly value: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const BUILT_IN_READERS: Readonly<Record<string, (bytes: Uint8Array) => unknown>> = {
  [Types.string.typename]: (bytes) => Types.string.deserialize(bytes),
  [Types.int.typename]: (bytes) => Types.int.deserialize(bytes),
  [Types.long.typename]: (bytes) => Types.long.deserialize(bytes),
  [Types.float.typename]: (bytes) => Types.float.deserialize(bytes),
  [Types.double.typename]: (bytes) => Types.double.deserialize(bytes),
  [Types.bool.typename]: (bytes) => Types.bool.deserialize(bytes),
};

/**
 * What a person reading the file wants to see: Kafka and Kinesis records unpacked (topic,
 * key, stream, partition key; a Kafka record's headers, when it has any, as
 * `headers: [{ key, value }]` in order), built-in types as their values, other bytes (values
 * and header values) as a UTF-8 string when they are valid UTF-8 and as `{ base64 }` otherwise.
 */
export function egressRecordToJson(record: EgressRecord): EgressRecordJson {
  const { typename, value } = record.value;
  if (typename === KAFKA_PRODUCER_RECORD_TYPENAME) {
    const kafka = decodeKafkaProducerRecord(value);
    const headers = kafka.headers?.map((header) => ({ key: header.key, value: header.value === null ? null : bytesToJson(header.value) }));
    return {
      egress: record.egress,
      typename,
      topic: kafka.topic,
      key: kafka.key,
      ...(headers === undefined ? {} : { headers }),
      value: bytesToJson(kafka.valueBytes),
    };
  }
  if (typename === KINESIS_EGRESS_RECORD_TYPENAME) {
    const kinesis = decodeKinesisEgressRecord(value);
    return {
      egress: record.egress,
      typename,
      stream: kinesis.stream,
      partitionKey: kinesis.partitionKey,
      value: bytesToJson(kinesis.valueBytes),
    };
  }
  const builtIn = BUILT_IN_READERS[typename];
  return { egress: record.egress, typename, value: builtIn ? builtIn(value) : bytesToJson(value) };
}

function bytesToJson(bytes: Uint8Array): unknown {
  try {
    return utf8.decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
}
