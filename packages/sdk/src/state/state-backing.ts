// The seam between the list and map handles (the user API, with typing, expiry and the batch's
// pending changes) and where a collection's entries live. See "List and map state: how the
// handles are built" in packages/sdk/README.md.

import type { StoredMapEntry } from '../protocol/collection-values';
import type { PbStateMutation, PbTypedValue } from '../protocol/wire-types';
import type { ListStateDefinition, MapStateDefinition } from './state-definition';

/** A read that completes at once (the entries are in memory) or later (they are fetched). */
export type MaybePromise<T> = T | Promise<T>;

/** What a batch did to one map state: the handle's pending changes, applied only if the batch succeeds. */
export interface MapChanges {
  /** True when `clear()` dropped every stored entry; `puts` then holds all the map has. */
  readonly cleared: boolean;
  /** Entries written by `set`, or whose expiry a read moved (`expireAfterAccess`), by key. */
  readonly puts: ReadonlyMap<string, StoredMapEntry>;
  /** Keys deleted by `delete`, none of them in `puts`. */
  readonly deletes: ReadonlySet<string>;
}

/** What a batch did to one list state. `replaceAll(xs)` is `cleared` with `appended` = xs. */
export interface ListChanges {
  /** True when the stored elements were dropped. */
  readonly cleared: boolean;
  /** Elements added after the stored ones (or after none, when `cleared`), serialized. */
  readonly appended: readonly Uint8Array[];
}

/**
 * The stored entries of one map state, as they were when the batch began, and where the batch's
 * changes go. The handle never asks for more than the entries it needs: a value-backed map has
 * them all in memory anyway, an entry-backed one reads them one by one.
 */
export interface MapBacking {
  /** The stored entry of `key`, expired or not; undefined when there is none. */
  read(key: string): MaybePromise<StoredMapEntry | undefined>;
  /** Every stored entry, expired or not, in any order. */
  scan(): Iterable<readonly [string, StoredMapEntry]> | AsyncIterable<readonly [string, StoredMapEntry]>;
  /**
   * The state mutations that make storage hold the map with `changes` applied; called once, after
   * the batch succeeded, with the time the batch's effects are collected (expired entries may be
   * dropped from storage then). Nothing changed: no mutation.
   */
  persist(changes: MapChanges, nowMillis: number): PbStateMutation[];
}

/** The stored elements of one list state as they were when the batch began, and where its changes go. */
export interface ListBacking {
  /**
   * How many elements are stored. Known without reading them: appends (and `maxLength`) need it
   * synchronously, so an entry-backed list gets its length with the request.
   */
  readonly length: number;
  /** The stored element at `index` (0 ≤ index < length). */
  read(index: number): MaybePromise<Uint8Array | undefined>;
  /** Every stored element, in order. */
  scan(): Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** The state mutations that make storage hold the list with `changes` applied; none when nothing changed. */
  persist(changes: ListChanges): PbStateMutation[];
}

/**
 * Makes the backings of one batch's collections from what the request carried for them.
 * {@link valueBackings} (the value of the state's PersistedValue) works with every StateFun
 * runtime; an entry-level source plugs in here when a runtime offers one.
 */
export interface StateBackings {
  map(state: MapStateDefinition, stored: PbTypedValue | undefined): MapBacking;
  list(state: ListStateDefinition, stored: PbTypedValue | undefined): ListBacking;
}
