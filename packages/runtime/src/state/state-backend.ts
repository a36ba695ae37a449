/** One write of an atomic backend batch. */
export type BackendOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: string };

/**
 * Durable key-value storage under the state store: RocksDB in production, memory in tests.
 * Keys are strings; the store uses prefixes to keep kinds of data apart.
 */
export interface StateBackend {
  /** Human-readable description for logs, e.g. `rocksdb:/var/keyflow/state`. */
  readonly description: string;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Reads several keys in one call; `undefined` where a key is absent. */
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Applies every operation, all or none, durably (synced) before resolving. */
  write(ops: readonly BackendOp[]): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order. */
  scan(prefix: string): AsyncIterable<readonly [string, Uint8Array]>;
  /**
   * Every entry as of the moment of the call (a consistent point: later writes are not seen),
   * in key order. Used for full snapshots while processing goes on.
   */
  snapshot(): AsyncIterable<readonly [string, Uint8Array]>;
  /** About how many bytes the entries take (for progress reports). */
  approximateBytes(): Promise<number>;
  /** Deletes every entry (before restoring a snapshot into the backend). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
