import type { BackendOp, StateBackend } from './state-backend';

/** A {@link StateBackend} in memory, for tests. `write` is atomic because it is synchronous. */
export class MemoryBackend implements StateBackend {
  readonly description = 'memory';
  readonly #entries = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#entries.get(key);
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((key) => this.#entries.get(key));
  }

  async write(ops: readonly BackendOp[]): Promise<void> {
    for (const op of ops) {
      if (op.type === 'put') this.#entries.set(op.key, op.value);
      else this.#entries.delete(op.key);
    }
  }

  async *scan(prefix: string): AsyncIterable<readonly [string, Uint8Array]> {
    const keys = [...this.#entries.keys()].filter((key) => key.startsWith(prefix)).sort();
    for (const key of keys) {
      const value = this.#entries.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  snapshot(): AsyncIterable<readonly [string, Uint8Array]> {
    const entries = [...this.#entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return (async function* () {
      yield* entries;
    })();
  }

  async approximateBytes(): Promise<number> {
    let bytes = 0;
    for (const [key, value] of this.#entries) bytes += key.length + value.byteLength;
    return bytes;
  }

  async clear(): Promise<void> {
    this.#entries.clear();
  }

  async close(): Promise<void> {
    // Nothing to release: the entries go with the object.
  }

  /** The number of stored entries (tests). */
  get size(): number {
    return this.#entries.size;
  }
}
