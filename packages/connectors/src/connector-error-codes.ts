import { defineErrorCodes } from '@keyflow/sdk';

/**
 * Error codes of the Kafka and Kinesis connectors. Stable: tests and operators match on them.
 */
export const ConnectorErrorCodes = defineErrorCodes(
  {
    /**
     * An ingress record could not be routed to a function (no key, or a target function type that
     * no endpoint serves) and the ingress's `onRoutingFailure` policy is `fail`. The message names
     * the topic or stream, the partition or shard, and the offset or sequence number.
     */
    UNROUTABLE_RECORD: 'KF_CONNECTOR_UNROUTABLE_RECORD',
    /** A function sent an egress record that is not a `KafkaProducerRecord` / `KinesisEgressRecord`, or lacks its topic, stream or partition key. */
    BAD_EGRESS_RECORD: 'KF_CONNECTOR_BAD_EGRESS_RECORD',
    /** An ingress could not start reading: Kafka or Kinesis was unreachable, or a topic or stream is missing. */
    UNAVAILABLE: 'KF_CONNECTOR_UNAVAILABLE',
    /** The Kafka consumer stopped on an error it cannot recover from. */
    CONSUMER_FAILED: 'KF_CONNECTOR_CONSUMER_FAILED',
    /** Records could not be written to Kafka or Kinesis. */
    EGRESS_FAILED: 'KF_CONNECTOR_EGRESS_FAILED',
    /** A checkpoint position was written by another version or another kind of ingress. */
    BAD_POSITION: 'KF_CONNECTOR_BAD_POSITION',
    /** The egress or ingress was used after it was closed or stopped. */
    CLOSED: 'KF_CONNECTOR_CLOSED',
  } as const,
  { retryable: ['UNAVAILABLE'] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    connectors: typeof ConnectorErrorCodes;
  }
}
