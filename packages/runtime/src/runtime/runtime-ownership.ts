import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { KeyflowError, Logger } from '@keyflow/sdk';
import { CheckpointLease } from '../checkpoint/checkpoint-lease';
import type { CheckpointStorage } from '../checkpoint/checkpoint-storage';
import { LeasedCheckpointStorage } from '../checkpoint/leased-storage';
import { StateDirLock } from '../state/state-dir-lock';

/** Options of {@link RuntimeOwnership.acquire}. */
export interface OwnershipOptions {
  readonly stateDir: string;
  readonly checkpointStorage?: CheckpointStorage | undefined;
  /** Replace the live lease of a runtime known to be gone (`--take-over`). */
  readonly takeOver?: boolean | undefined;
  /** Lease lifetime without renewal. Default 30 s. */
  readonly leaseTtlMs?: number | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * What a runtime owns alone while it runs: its state folder (a lock file) and its checkpoint
 * location (a lease). Checkpoints go through {@link storage}, which stops writing once another
 * runtime took the location over.
 */
export class RuntimeOwnership {
  private constructor(
    private readonly lock: StateDirLock,
    private readonly lease: CheckpointLease | undefined,
    /** The checkpoint storage to write through; undefined without checkpoint storage. */
    readonly storage: CheckpointStorage | undefined,
  ) {}

  /** Takes both, or throws `KF_STATE_DIR_IN_USE` / `KF_CHECKPOINT_LOCATION_OWNED`. */
  static async acquire(options: OwnershipOptions): Promise<RuntimeOwnership> {
    const stateDir = resolve(options.stateDir);
    const lock = await StateDirLock.acquire(stateDir, { takeOver: options.takeOver === true });
    if (options.checkpointStorage === undefined) return new RuntimeOwnership(lock, undefined, undefined);
    try {
      const lease = await CheckpointLease.acquire(options.checkpointStorage, {
        owner: { host: hostname(), stateDir, pid: process.pid },
        takeOver: options.takeOver === true,
        ...(options.leaseTtlMs === undefined ? {} : { ttlMs: options.leaseTtlMs }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
      return new RuntimeOwnership(lock, lease, new LeasedCheckpointStorage(options.checkpointStorage, lease));
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Calls `listener` if another runtime takes the checkpoint location over. */
  onLost(listener: (error: KeyflowError) => void): void {
    this.lease?.onLost(listener);
  }

  async release(): Promise<void> {
    try {
      await this.lease?.release();
    } finally {
      await this.lock.release();
    }
  }
}
