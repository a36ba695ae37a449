import { KeyflowError } from '@keyflow/sdk';
import { withTraceParent, type EgressRecord } from '@keyflow/runtime/kinds';
import { KAFKA_PRODUCER_RECORD_TYPENAME, decodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import type { Message, TopicMessages } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { decodeEgressValue, type EgressValueType } from '../common/egress-value';
import { kafkaHeadersSize, toKafkaHeaders } from './record-headers';

const KAFKA_PRODUCER_RECORD: EgressValueType<ReturnType<typeof decodeKafkaProducerRecord>> = {
  system: 'Kafka',
  typename: KAFKA_PRODUCER_RECORD_TYPENAME,
  message: 'KafkaProducerRecord',
  builder: 'kafkaEgressMessage',
  decode: decodeKafkaProducerRecord,
};

/** A record on its way to Kafka. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly message: Message;
  /** Approximate bytes on the wire, to keep requests under the broker's size limit. */
  readonly size: number;
}

/** Per-record overhead added to key and value sizes when sizing requests. */
const RECORD_OVERHEAD = 30;

/**
 * Turns what a function sent to a Kafka egress into a Kafka record, as StateFun's generic Kafka
 * egress does: the value must be a `KafkaProducerRecord`; an empty key means no key. Unlike
 * StateFun's, it writes the record's headers (Keyflow's protocol extension), in order, and the
 * `traceparent` of the invocation that sent it when that is in a recorded trace.
 * Throws `KF_CONNECTOR_BAD_EGRESS_RECORD` for anything else.
 */
export function toOutgoingRecord(record: EgressRecord): OutgoingRecord {
  const decoded = decodeEgressValue(record, KAFKA_PRODUCER_RECORD);
  if (decoded.topic === '') {
    throw new KeyflowError(ConnectorErrorCodes.BAD_EGRESS_RECORD, `Kafka egress ${record.egress} got a KafkaProducerRecord without a topic.`);
  }
  const key = decoded.key === '' ? null : Buffer.from(decoded.key, 'utf8');
  const valueBytes = Buffer.from(decoded.valueBytes.buffer, decoded.valueBytes.byteOffset, decoded.valueBytes.byteLength);
  // The sending invocation's trace goes on with the record (replacing a traceparent the function set).
  const recordHeaders = record.trace === undefined ? decoded.headers : withTraceParent(decoded.headers, record.trace);
  const headers = toKafkaHeaders(recordHeaders);
  return {
    topic: decoded.topic,
    message: headers === undefined ? { key, value: valueBytes } : { key, value: valueBytes, headers },
    size: (key?.length ?? 0) + valueBytes.length + kafkaHeadersSize(recordHeaders) + RECORD_OVERHEAD,
  };
}

/**
 * Most records in one request. kafkajs groups a request's records by partition in time
 * quadratic in their number (it copies the partition's list for every record), which makes
 * one request of tens of thousands of records cost seconds of CPU; a few thousand cost little
 * and still fill a request well.
 */
export const MAX_RECORDS_PER_REQUEST = 1_000;

/** One produce request: records grouped by topic, in order. */
export interface ProduceRequest {
  readonly topicMessages: TopicMessages[];
  /** How many records it holds. */
  readonly count: number;
}

/**
 * The request holding `records` from index `from` on: at most `maxBytes` (a record larger than
 * that goes alone) and {@link MAX_RECORDS_PER_REQUEST} records, grouped by topic, in order.
 */
export function nextRequest(records: readonly OutgoingRecord[], from: number, maxBytes: number, maxRecords = MAX_RECORDS_PER_REQUEST): ProduceRequest {
  const byTopic = new Map<string, Message[]>();
  let bytes = 0;
  let count = 0;
  for (let index = from; index < records.length && count < maxRecords; index++) {
    const record = records[index] as OutgoingRecord;
    if (bytes > 0 && bytes + record.size > maxBytes) break;
    let messages = byTopic.get(record.topic);
    if (!messages) byTopic.set(record.topic, (messages = []));
    messages.push(record.message);
    bytes += record.size;
    count++;
  }
  return { topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), count };
}

/** Splits records into consecutive requests (see {@link nextRequest}), for `sendBatch`. */
export function toRequests(records: readonly OutgoingRecord[], maxBytes: number, maxRecords = MAX_RECORDS_PER_REQUEST): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  for (let from = 0; from < records.length; ) {
    const request = nextRequest(records, from, maxBytes, maxRecords);
    requests.push(request.topicMessages);
    from += request.count;
  }
  return requests;
}
