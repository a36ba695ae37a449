/**
 * The runtime's defaults, each written once: the runtime, the CLI, the kinds and their docs
 * take them from here.
 */
export const RuntimeDefaults = {
  /** Milliseconds between checkpoints (`--checkpoint-interval`, `checkpointIntervalMs`). */
  CHECKPOINT_INTERVAL_MS: 5_000,
  /** A full snapshot every this many checkpoints (`compactionInterval`). */
  COMPACTION_INTERVAL: 20,
  /** Complete checkpoints kept restorable in checkpoint storage (`retainCheckpoints`). */
  RETAIN_CHECKPOINTS: 3,
  /** Messages queued or in flight at which ingresses are paused (`maxQueuedMessages`). */
  MAX_QUEUED_MESSAGES: 10_000,
  /**
   * Egress records held for their sinks (not yet written, or exactly-once and not yet committed)
   * at which ingresses are paused and no more messages are processed until they drain
   * (`maxStagedEgressRecords`, `--max-staged-egress-records`).
   */
  MAX_STAGED_EGRESS_RECORDS: 100_000,
  /** The same bound in bytes of record values (`maxStagedEgressBytes`, `--max-staged-egress-bytes`): 64 MiB. */
  MAX_STAGED_EGRESS_BYTES: 64 * 1024 * 1024,
  /** Clean address states kept in memory (`stateCacheEntries`). */
  STATE_CACHE_ENTRIES: 100_000,
  /** Clean list elements and map entries (entry-level collection state) kept in memory. */
  COLLECTION_ENTRY_CACHE_ENTRIES: 200_000,
  /** Between sweeps of expired map entries, cleared map generations and expired lists (`collectionSweepIntervalMs`). */
  COLLECTION_SWEEP_INTERVAL_MS: 600_000,
  /** How long `stop()` waits for queued work before the final checkpoint (`drainTimeoutMs`). */
  DRAIN_TIMEOUT_MS: 10_000,
  /** Most invocations in one batch per address: StateFun's `maxNumBatchRequests` default. */
  MAX_BATCH_SIZE: 1000,
} as const;
