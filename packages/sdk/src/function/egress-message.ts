import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  encodeKafkaProducerRecord,
  encodeKinesisEgressRecord,
} from '../protocol/egress-records';
import type { PbTypedValue } from '../protocol/wire-types';
import type { Type } from '../types/type';
import { toPbHeaders, type KafkaHeaders } from './kafka-headers';
import { parseTypename } from './typename';

const EGRESS_MESSAGE_BRAND = Symbol.for('keyflow.sdk/egress-message');

/**
 * A record for an egress, ready for `ctx.send`. Build one with {@link kafkaEgressMessage},
 * {@link kinesisEgressMessage} or {@link egressMessage}.
 */
export class EgressMessage {
  /** @internal Marks egress messages across copies of the sdk in one process (see {@link isEgressMessage}). */
  readonly [EGRESS_MESSAGE_BRAND] = true;

  /** @internal */
  constructor(
    /** The egress typename, e.g. `example/out`. */
    readonly egress: string,
    /** @internal The record as it travels. */
    readonly typedValue: PbTypedValue,
  ) {}
}

/**
 * True for an {@link EgressMessage}, also one made by another copy of the sdk (a runtime and
 * the functions it loads may resolve the sdk from different folders), where `instanceof` fails.
 */
export function isEgressMessage(value: unknown): value is EgressMessage {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[EGRESS_MESSAGE_BRAND] === true;
}

/** The value of an egress record: a string (sent as UTF-8) or bytes, unless a `type` is given. */
interface EgressValueOptions<T> {
  /** The egress typename, as declared in module.yaml, e.g. `example/out`. */
  readonly egress: string;
  readonly value: T;
  /** Serializes `value`; needed unless the value is a string or a Uint8Array. */
  readonly type?: Type<T>;
}

/** Options of {@link kafkaEgressMessage}. */
export interface KafkaEgressOptions<T> extends EgressValueOptions<T> {
  readonly topic: string;
  /** The record key; records with one key keep their order. */
  readonly key?: string;
  /**
   * Record headers (see {@link KafkaHeaders}). A Keyflow extension: Keyflow's Kafka egress
   * writes them; StateFun's ignores them and writes the record without headers.
   */
  readonly headers?: KafkaHeaders;
}

/** Options of {@link kinesisEgressMessage}. */
export interface KinesisEgressOptions<T> extends EgressValueOptions<T> {
  readonly stream: string;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/**
 * A record for a Kafka egress. Throws `KF_INVALID_MESSAGE` for a missing topic or value, or
 * malformed headers.
 *
 * @example
 * ctx.send(kafkaEgressMessage({ egress: 'example/out', topic: 'greetings', key: name, value: 'hi' }));
 * ctx.send(kafkaEgressMessage({ egress: 'example/out', topic: 'greetings', value: 'hi', headers: { 'trace-id': id } }));
 */
export function kafkaEgressMessage<T = string | Uint8Array>(options: KafkaEgressOptions<T>): EgressMessage {
  const where = 'kafkaEgressMessage';
  parseTypename(options.egress, `${where}: egress`);
  requireText(options.topic, `${where}: topic`);
  const valueBytes = egressValueBytes(options, where);
  const headers = toPbHeaders(options.headers, where);
  const record = encodeKafkaProducerRecord({
    key: options.key ?? '',
    valueBytes,
    topic: options.topic,
    ...(headers === undefined ? {} : { headers }),
  });
  return new EgressMessage(options.egress, { typename: KAFKA_PRODUCER_RECORD_TYPENAME, hasValue: true, value: record });
}

/**
 * A record for a Kinesis egress.
 *
 * @example
 * ctx.send(kinesisEgressMessage({ egress: 'example/kinesis', stream: 'events', partitionKey: id, value: 'hi' }));
 */
export function kinesisEgressMessage<T = string | Uint8Array>(options: KinesisEgressOptions<T>): EgressMessage {
  const where = 'kinesisEgressMessage';
  parseTypename(options.egress, `${where}: egress`);
  requireText(options.stream, `${where}: stream`);
  requireText(options.partitionKey, `${where}: partitionKey`);
  const valueBytes = egressValueBytes(options, where);
  const record = encodeKinesisEgressRecord({
    partitionKey: options.partitionKey,
    valueBytes,
    stream: options.stream,
    explicitHashKey: options.explicitHashKey ?? '',
  });
  return new EgressMessage(options.egress, { typename: KINESIS_EGRESS_RECORD_TYPENAME, hasValue: true, value: record });
}

/**
 * A record of any type for any egress (for example a file egress).
 *
 * @example
 * ctx.send(egressMessage({ egress: 'example/audit', value: { user: id }, type: AuditEntry }));
 */
export function egressMessage<T>(options: { egress: string; value: T; type: Type<T> }): EgressMessage {
  parseTypename(options.egress, 'egressMessage: egress');
  const value = options.type.serialize(options.value);
  return new EgressMessage(options.egress, { typename: options.type.typename, hasValue: true, value });
}

function egressValueBytes<T>(options: EgressValueOptions<T>, where: string): Uint8Array {
  const { value, type } = options;
  if (value === undefined || value === null) {
    throw new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, `${where}: value is missing.`);
  }
  if (type) return type.serialize(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return value;
  throw new KeyflowError(
    SdkErrorCodes.INVALID_MESSAGE,
    `${where}: value is a ${typeof value}; pass a string or a Uint8Array, or give a 'type' that serializes it.`,
  );
}

function requireText(value: string | undefined, where: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, `${where} is missing or empty.`);
  }
}
