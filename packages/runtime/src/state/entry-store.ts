import { BatchedReader } from './batched-reader';
import type { BackendOp, StateBackend } from './state-backend';
import { WriteLayers, type WriteDelta } from './write-layers';

/** Entry writes between two checkpoints: backend key → new value, or null when deleted. */
export type EntryDelta = WriteDelta<Uint8Array>;

/**
 * The entries of list and map state (keys of the `c/` region, see keyspace.ts), read on demand
 * and written one by one, with the state store's discipline: writes go to an in-memory delta
 * that serves reads, a checkpoint seals it (O(1)) and commits it to the backend atomically with
 * everything else, clean entries are kept in a bounded cache. So a change to one entry of a
 * collection of any size costs one write here and one key in the next (incremental) checkpoint.
 */
export class EntryStore {
  readonly #layers: WriteLayers<Uint8Array>;
  readonly #reader: BatchedReader;
  #scanned = 0;

  constructor(
    readonly backend: StateBackend,
    cacheEntries: number,
  ) {
    this.#layers = new WriteLayers(cacheEntries);
    this.#reader = new BatchedReader(backend);
  }

  /** The value of `key` if known without I/O: `null` when known to be absent, `undefined` when it must be read. */
  peek(key: string): Uint8Array | null | undefined {
    return this.#layers.peek(key);
  }

  /** The value of `key`, from memory or the backend: synchronous when known without I/O. */
  get(key: string): Uint8Array | null | Promise<Uint8Array | null> {
    const known = this.peek(key);
    if (known !== undefined) return known;
    return this.#reader.read(key).then((bytes) => {
      // A write may have happened while the read was under way; it wins.
      const raced = this.peek(key);
      if (raced !== undefined) return raced;
      const value = bytes ?? null;
      this.#layers.cache(key, value);
      return value;
    });
  }

  /**
   * Every entry whose key starts with `prefix`, as the store holds it now (the backend's entries
   * with the uncommitted writes over them), in key order. Streams from the backend: a scan of a
   * large collection never holds it whole.
   */
  async *scan(prefix: string): AsyncIterable<readonly [string, Uint8Array]> {
    // The pending writes under the prefix, taken first, so that the merge below sees one
    // consistent set of them.
    const pending = this.pendingUnder(prefix);
    const pendingKeys = [...pending.keys()].sort();
    let next = 0;
    for await (const [key, value] of this.backend.scan(prefix)) {
      this.#scanned++;
      for (; next < pendingKeys.length && (pendingKeys[next] as string) < key; next++) {
        const written = pending.get(pendingKeys[next] as string);
        if (written) yield [pendingKeys[next] as string, written];
      }
      if (pending.has(key)) continue; // overwritten or deleted: yielded (or skipped) in order above or below
      yield [key, value];
    }
    for (; next < pendingKeys.length; next++) {
      const written = pending.get(pendingKeys[next] as string);
      if (written) yield [pendingKeys[next] as string, written];
    }
  }

  /** The writes not yet in the backend whose keys start with `prefix`, newest winning (`null`: deleted). */
  pendingUnder(prefix: string): Map<string, Uint8Array | null> {
    const pending = new Map<string, Uint8Array | null>();
    for (const delta of this.#layers.pending()) {
      for (const [key, value] of delta) if (key.startsWith(prefix)) pending.set(key, value);
    }
    return pending;
  }

  /** Records the new value of `key` (`null` deletes it). Visible to reads at once. */
  write(key: string, value: Uint8Array | null): void {
    this.#layers.write(key, value);
  }

  /** How many entries were read from the backend so far (point reads and scanned entries). */
  get backendReads(): number {
    return this.#reader.count + this.#scanned;
  }

  /** Ends the current delta and returns it; later writes go to a new one. */
  seal(): EntryDelta {
    return this.#layers.seal();
  }

  /** The backend operations that persist a sealed delta. */
  static opsOf(delta: EntryDelta): BackendOp[] {
    const ops: BackendOp[] = [];
    for (const [key, value] of delta) ops.push(value === null ? { type: 'del', key } : { type: 'put', key, value });
    return ops;
  }

  /** The oldest sealed delta is in the backend: its entries become clean (cached). In seal order. */
  committed(delta: EntryDelta): void {
    this.#layers.committed(delta);
  }

  /** Puts back the oldest sealed delta, whose commit failed, under the current one (newer writes win). */
  unseal(delta: EntryDelta): void {
    this.#layers.unseal(delta);
  }

  /** Drops everything held in memory (with the state store's reset). */
  reset(): void {
    this.#layers.reset();
  }
}
