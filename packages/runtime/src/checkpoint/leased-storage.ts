import type { CheckpointLease } from './checkpoint-lease';
import type { CheckpointStorage } from './checkpoint-storage';

/**
 * Checkpoint storage that writes only while its lease holds: before every manifest (an object
 * ending in `.json`, which makes a checkpoint complete) and every delete, it checks that no
 * other runtime took the location over, and refuses with `KF_CHECKPOINT_LEASE_LOST` if one
 * did. Data files are written unchecked: without a manifest nobody reads them.
 */
export class LeasedCheckpointStorage implements CheckpointStorage {
  readonly uri: string;

  constructor(
    private readonly storage: CheckpointStorage,
    private readonly lease: CheckpointLease,
  ) {
    this.uri = storage.uri;
  }

  async put(name: string, data: Uint8Array): Promise<void> {
    if (name.endsWith('.json')) await this.lease.verify();
    await this.storage.put(name, data);
  }

  get(name: string): Promise<Uint8Array | undefined> {
    return this.storage.get(name);
  }

  list(prefix: string): Promise<string[]> {
    return this.storage.list(prefix);
  }

  async delete(names: readonly string[]): Promise<void> {
    await this.lease.verify();
    await this.storage.delete(names);
  }
}
