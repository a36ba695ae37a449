import { LruCache } from './lru-cache';

/** Writes between two checkpoints: key → new value, or null when deleted. */
export type WriteDelta<V> = ReadonlyMap<string, V | null>;

/**
 * The in-memory layers over a backend that the state store and the entry store share: the
 * current delta of writes, the sealed deltas a checkpoint is committing (oldest first), and a
 * bounded cache of clean values. Reads look in that order, so the newest write always wins.
 * Sealing is O(1), so a checkpoint captures exactly one instant.
 */
export class WriteLayers<V> {
  #live = new Map<string, V | null>();
  readonly #sealed: Map<string, V | null>[] = [];
  readonly #cache: LruCache<string, V | null>;

  constructor(cacheEntries: number) {
    this.#cache = new LruCache(cacheEntries);
  }

  /** The value of `key` if known without I/O: null when known to be absent, undefined when unknown. */
  peek(key: string): V | null | undefined {
    const live = this.#live.get(key);
    if (live !== undefined) return live;
    for (let index = this.#sealed.length - 1; index >= 0; index--) {
      const sealed = (this.#sealed[index] as Map<string, V | null>).get(key);
      if (sealed !== undefined) return sealed;
    }
    return this.#cache.get(key);
  }

  /** Records a write (null deletes). */
  write(key: string, value: V | null): void {
    this.#live.set(key, value);
  }

  /** The current delta's value of `key`, if it was written since the last seal. */
  live(key: string): V | null | undefined {
    return this.#live.get(key);
  }

  /** How many keys were written since the last seal. */
  get liveSize(): number {
    return this.#live.size;
  }

  /** Remembers a value read from the backend as clean. */
  cache(key: string, value: V | null): void {
    this.#cache.set(key, value);
  }

  /** The uncommitted deltas, oldest first (the sealed ones, then the current one). */
  pending(): readonly WriteDelta<V>[] {
    return [...this.#sealed, this.#live];
  }

  /** Ends the current delta and returns it; later writes go to a new one. */
  seal(): WriteDelta<V> {
    const sealed = this.#live;
    this.#sealed.push(sealed);
    this.#live = new Map();
    return sealed;
  }

  /**
   * The oldest sealed delta is in the backend: its values become clean (cached; the cache is
   * consulted after the deltas, so a newer uncommitted write still wins). In seal order.
   */
  committed(delta: WriteDelta<V>): void {
    if (this.#sealed[0] !== delta) throw new Error('deltas must be committed in the order they were sealed');
    this.#sealed.shift();
    for (const [key, value] of delta) this.#cache.set(key, value);
  }

  /** Puts back the oldest sealed delta, whose commit failed, under the current one (newer writes win). */
  unseal(delta: WriteDelta<V>): void {
    if (this.#sealed[0] !== delta) throw new Error('only the oldest sealed delta can be put back');
    this.#sealed.shift();
    for (const [key, value] of delta) if (!this.#live.has(key)) this.#live.set(key, value);
  }

  /** Drops everything held in memory. */
  reset(): void {
    this.#live = new Map();
    this.#sealed.length = 0;
    this.#cache.clear();
  }
}
