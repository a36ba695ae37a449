import { KeyflowError } from '@keyflow/sdk';
import type { EgressRecord } from '@keyflow/runtime/kinds';
import { ConnectorErrorCodes } from '../connector-error-codes';

/** The one record type an egress takes, and how to read it. */
export interface EgressValueType<T> {
  /** `Kafka` or `Kinesis`, for messages. */
  readonly system: string;
  readonly typename: string;
  /** The message name, e.g. `KafkaProducerRecord`. */
  readonly message: string;
  /** The sdk helper that builds it, e.g. `kafkaEgressMessage`. */
  readonly builder: string;
  readonly decode: (bytes: Uint8Array) => T;
}

/**
 * Decodes what a function sent to an egress: a value of `type`, or
 * `KF_CONNECTOR_BAD_EGRESS_RECORD` naming the egress and what it takes.
 */
export function decodeEgressValue<T>(record: EgressRecord, type: EgressValueType<T>): T {
  const { typename, value } = record.value;
  if (typename !== type.typename) {
    throw new KeyflowError(
      ConnectorErrorCodes.BAD_EGRESS_RECORD,
      `${type.system} egress ${record.egress} got a value of type '${typename}'; it takes only ${type.typename} values, which the SDKs' ${type.builder}(...) builds.`,
    );
  }
  try {
    return type.decode(value);
  } catch (error) {
    throw new KeyflowError(ConnectorErrorCodes.BAD_EGRESS_RECORD, `${type.system} egress ${record.egress} got a ${type.message} that does not decode.`, { cause: error });
  }
}
