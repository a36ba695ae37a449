import { RuntimeDefaults } from '../config/runtime-defaults';
import { decodeAddressState, encodeAddressState, type AddressState } from './address-state';
import { BatchedReader } from './batched-reader';
import { EntryStore } from './entry-store';
import { stateKey } from './keyspace';
import type { BackendOp, StateBackend } from './state-backend';
import { WriteLayers, type WriteDelta } from './write-layers';


/** The state writes between two checkpoints: address key → new state, or null when deleted. */
export type StateDelta = WriteDelta<AddressState>;

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  /** How many clean address states are kept in memory. Default 100,000. */
  readonly cacheEntries?: number;
  /** How many clean list elements and map entries are kept in memory. Default 200,000. */
  readonly entryCacheEntries?: number;
}

/**
 * Function state by address, on top of a {@link StateBackend}.
 *
 * Writes go to an in-memory delta that also serves reads. At a checkpoint the delta is
 * sealed (an O(1) swap, so the captured state is exactly that of one instant) and later
 * committed to the backend in one atomic batch together with the checkpoint's other data.
 * The backend therefore always holds the state of the last committed checkpoint, never a
 * half-applied response: after a crash, what was not committed is simply not there.
 */
export class StateStore {
  readonly #layers: WriteLayers<AddressState>;
  readonly #reader: BatchedReader;

  constructor(
    readonly backend: StateBackend,
    options: StateStoreOptions = {},
  ) {
    this.#layers = new WriteLayers(options.cacheEntries ?? RuntimeDefaults.STATE_CACHE_ENTRIES);
    this.#reader = new BatchedReader(backend);
    this.entries = new EntryStore(backend, options.entryCacheEntries ?? RuntimeDefaults.COLLECTION_ENTRY_CACHE_ENTRIES);
  }

  /**
   * The entries of list and map state that live entry by entry (embedded functions), sealed and
   * committed together with the address states by the state checkpoint participant.
   */
  readonly entries: EntryStore;

  /**
   * The state of `key` if it is known without I/O: `null` when known to be empty,
   * `undefined` when it must be loaded with {@link load}.
   */
  peek(key: string): AddressState | null | undefined {
    return this.#layers.peek(key);
  }

  /** The state of `key`, from memory or the backend; `null` when it has none. */
  async load(key: string): Promise<AddressState | null> {
    const known = this.peek(key);
    if (known !== undefined) return known;
    const bytes = await this.#reader.read(stateKey(key));
    // A write may have happened while the read was under way; it wins.
    const raced = this.peek(key);
    if (raced !== undefined) return raced;
    const state = bytes === undefined ? null : decodeAddressState(bytes, key);
    this.#layers.cache(key, state);
    return state;
  }

  /** Records the new state of `key` (`null` deletes it). Visible to reads at once. */
  write(key: string, state: AddressState | null): void {
    this.#layers.write(key, state !== null && state.size === 0 ? null : state);
  }

  /**
   * True when `state` is the value the current delta holds for `key`: a checkpoint has not
   * sealed it and no cache shares it, so the next write may change it in place.
   */
  ownsLive(key: string, state: AddressState | null): boolean {
    return state !== null && this.#layers.live(key) === state;
  }

  /**
   * The states written and not yet committed to the backend whose keys start with `prefix`
   * (`null`: deleted), newest write winning: what a scan of the backend does not see yet.
   */
  uncommitted(prefix: string): Map<string, AddressState | null> {
    const found = new Map<string, AddressState | null>();
    for (const delta of this.#layers.pending()) {
      for (const [key, state] of delta) if (key.startsWith(prefix)) found.set(key, state);
    }
    return found;
  }

  /** The number of addresses written since the last seal. */
  get pendingWrites(): number {
    return this.#layers.liveSize;
  }

  /** Ends the current delta and returns it; later writes go to a new one. */
  seal(): StateDelta {
    return this.#layers.seal();
  }

  /** The backend operations that persist a sealed delta. */
  static opsOf(delta: StateDelta): BackendOp[] {
    const ops: BackendOp[] = [];
    for (const [key, state] of delta) {
      ops.push(
        state === null
          ? { type: 'del', key: stateKey(key) }
          : { type: 'put', key: stateKey(key), value: encodeAddressState(state) },
      );
    }
    return ops;
  }

  /**
   * Marks the oldest sealed delta as persisted (its ops were written to the backend): its
   * entries move to the cache of clean states. Deltas must be committed in seal order.
   */
  committed(delta: StateDelta): void {
    this.#layers.committed(delta);
  }

  /**
   * Puts back a sealed delta whose commit failed, so that the next checkpoint carries it:
   * its writes go under the current delta (newer writes win).
   */
  unseal(delta: StateDelta): void {
    this.#layers.unseal(delta);
  }

  /** Drops everything held in memory (used when restoring a checkpoint into the backend). */
  reset(): void {
    this.#layers.reset();
    this.entries.reset();
  }
}
