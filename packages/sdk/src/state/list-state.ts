/**
 * A list state of a function instance (`@ListSpec`): elements of one type, in order, with an
 * optional `maxLength` and an expiry for the whole list. `length` is known at once; elements
 * are read asynchronously, so a list need not be in memory to be used. Writes are buffered and
 * take effect with the batch's other effects, all or none.
 *
 * @example
 * @ListSpec({ type: Types.string, maxLength: 1000 }) history?: ListState<string>;
 * …
 * ctx.storage.history.append(`added ${sku}`);
 * const last = await ctx.storage.history.get(ctx.storage.history.length - 1);
 */
export interface ListState<T> {
  /** How many elements the list holds, the batch's changes included. */
  readonly length: number;
  /**
   * Adds an element at the end. Throws `KF_LIST_TOO_LONG`, leaving the list as it was, when the
   * list would exceed its `maxLength`.
   */
  append(element: T): void;
  /** Adds elements at the end, all or none (`KF_LIST_TOO_LONG` as for `append`). */
  appendAll(elements: Iterable<T>): void;
  /** The element at `index`, or undefined when the list is shorter. */
  get(index: number): Promise<T | undefined>;
  /** Every element, in order. */
  toArray(): Promise<T[]>;
  /** Removes every element. */
  clear(): void;
  /** Replaces every element with `elements` (`KF_LIST_TOO_LONG` when they exceed `maxLength`; nothing changes then). */
  replaceAll(elements: Iterable<T>): void;
}
