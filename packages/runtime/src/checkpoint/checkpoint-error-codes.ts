import { defineErrorCodes } from '@keyflow/sdk';

/** Error codes of checkpoints, restores and savepoints. */
export const CheckpointErrorCodes = defineErrorCodes(
  {
    /** A checkpoint file is missing, truncated or does not match its checksum. */
    CORRUPT: 'KF_CHECKPOINT_CORRUPT',
    /** Writing a checkpoint failed (the storage is unreachable, the disk is full, …). */
    FAILED: 'KF_CHECKPOINT_FAILED',
    /** A savepoint could not be written or read. */
    SAVEPOINT_FAILED: 'KF_SAVEPOINT_FAILED',
    /** `--from-savepoint` into a state folder that already holds another lineage's state. */
    SAVEPOINT_STATE_DIR_NOT_EMPTY: 'KF_SAVEPOINT_STATE_DIR_NOT_EMPTY',
    /** A checkpoint or savepoint URI is not understood. */
    BAD_URI: 'KF_CHECKPOINT_BAD_URI',
    /** Another runtime owns the checkpoint location (its lease is live): stop it, or `--take-over`. */
    LOCATION_OWNED: 'KF_CHECKPOINT_LOCATION_OWNED',
    /** S3 checkpoints without credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE). */
    S3_CREDENTIALS_MISSING: 'KF_S3_CREDENTIALS_MISSING',
    /** Another runtime took the checkpoint location over: this one writes no more checkpoints. */
    LEASE_LOST: 'KF_CHECKPOINT_LEASE_LOST',
  } as const,
  { retryable: ['FAILED', 'SAVEPOINT_FAILED'] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    checkpoint: typeof CheckpointErrorCodes;
  }
}
