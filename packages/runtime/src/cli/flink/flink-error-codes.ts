import { defineErrorCodes } from '@keyflow/sdk';

/**
 * Error codes of `keyflow flink`. Stable: tests and operators match on them.
 */
export const FlinkErrorCodes = defineErrorCodes(
  {
    /** tools/flink/flink.sh could not install, start or stop the cluster. */
    CLUSTER_FAILED: 'KF_FLINK_CLUSTER_FAILED',
    /** The Flink REST API could not be reached or answered with an error. */
    REST_FAILED: 'KF_FLINK_REST_FAILED',
    /** The StateFun job did not start, or failed. */
    JOB_FAILED: 'KF_FLINK_JOB_FAILED',
    /** Stop-with-savepoint did not complete. */
    SAVEPOINT_FAILED: 'KF_FLINK_SAVEPOINT_FAILED',
    /** No `keyflow flink up` runs for the given folder. */
    NO_SESSION: 'KF_FLINK_NO_SESSION',
    /** The function service did not start. */
    FUNCTIONS_FAILED: 'KF_FLINK_FUNCTIONS_FAILED',
    /** A local Kafka broker (tools/kafka/kafka.sh) could not be started. */
    KAFKA_FAILED: 'KF_FLINK_KAFKA_FAILED',
  } as const,
  { retryable: ['REST_FAILED'] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    flink: typeof FlinkErrorCodes;
  }
}
