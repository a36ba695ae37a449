/**
 * A map state of a function instance (`@MapSpec`): string keys, values of one type, each entry
 * with its own expiry when the spec sets one. Reads are asynchronous, so a map need not be in
 * memory to be used; writes are buffered and take effect with the batch's other effects, all
 * or none. A value read is a copy: change it, then `set` it.
 *
 * @example
 * @MapSpec({ value: CartLineType, expireAfterWrite: '30d' }) lines?: MapState<CartLine>;
 * …
 * const line = await ctx.storage.lines.get(sku);
 * ctx.storage.lines.set(sku, { sku, quantity: (line?.quantity ?? 0) + 1 });
 */
export interface MapState<V> {
  /** The value of `key`, or undefined. Under `expireAfterAccess`, moves the entry's expiry. */
  get(key: string): Promise<V | undefined>;
  /** Whether `key` has a live entry (does not move its expiry). */
  has(key: string): Promise<boolean>;
  /** Sets the value of `key` (the value is serialized now; `undefined` is refused: use `delete`). */
  set(key: string, value: V): void;
  /** Removes `key`, if present. */
  delete(key: string): void;
  /** Every live key, in key order (does not move expiries). */
  keys(): Promise<string[]>;
  /** Every live entry, in key order. Under `expireAfterAccess`, moves each entry's expiry. */
  entries(): Promise<[string, V][]>;
  /** How many live entries there are. */
  size(): Promise<number>;
  /** Removes every entry. */
  clear(): void;
}
