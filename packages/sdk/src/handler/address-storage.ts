import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { PbMutationType, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import { systemClock, type Clock } from '../state/clock';
import { ListStateHandle } from '../state/list-state-handle';
import { MapStateHandle } from '../state/map-state-handle';
import type { StateBackings } from '../state/state-backing';
import type { ListStateDefinition, MapStateDefinition, StateDefinition, ValueStateDefinition } from '../state/state-definition';
import { valueBackings } from '../state/value-backings';

/** One state value during a batch: what the request carried, and what the function made of it. */
class StateSlot {
  loaded = false;
  dirty = false;
  value: unknown = undefined;

  constructor(
    readonly state: ValueStateDefinition,
    readonly stored: PbTypedValue | undefined,
  ) {}

  read(): unknown {
    if (!this.loaded) {
      this.value = this.decodeStored();
      this.loaded = true;
    }
    return this.value;
  }

  write(value: unknown): void {
    this.value = value === null ? undefined : value;
    this.loaded = true;
    this.dirty = true;
  }

  /** Adds the mutation of this value to `mutations`, if the batch assigned it. */
  collect(mutations: PbStateMutation[]): void {
    if (!this.dirty) return;
    const { name, type } = this.state;
    if (this.value === undefined) {
      mutations.push({ mutationType: PbMutationType.DELETE, stateName: name, stateValue: undefined });
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = type.serialize(this.value);
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `State '${name}' could not be serialized as ${type.typename}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    mutations.push({ mutationType: PbMutationType.MODIFY, stateName: name, stateValue: { typename: type.typename, hasValue: true, value: bytes } });
  }

  private decodeStored(): unknown {
    const stored = this.stored;
    if (!stored || !stored.hasValue) return undefined;
    const { name, type } = this.state;
    if (stored.typename !== type.typename) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `State '${name}' holds a value of type ${stored.typename}, but the function declares ${type.typename}.`,
      );
    }
    try {
      return type.deserialize(stored.value);
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `State '${name}' could not be read as ${type.typename}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/**
 * One list or map state during a batch: its handle, made on first use over the backing the
 * request's stored value gives. Assigning to it is refused: the handle is the state.
 */
class CollectionSlot {
  #handle: MapStateHandle<unknown> | ListStateHandle<unknown> | undefined;

  constructor(
    readonly state: MapStateDefinition | ListStateDefinition,
    private readonly stored: PbTypedValue | undefined,
    private readonly backings: StateBackings,
    private readonly clock: Clock,
  ) {}

  read(): unknown {
    this.#handle ??=
      this.state.kind === 'map'
        ? new MapStateHandle(this.state, this.backings.map(this.state, this.stored), this.clock)
        : new ListStateHandle(this.state, this.backings.list(this.state, this.stored));
    return this.#handle;
  }

  write(_value: unknown): void {
    const { property, kind } = this.state;
    throw new KeyflowError(
      SdkErrorCodes.INVALID_STATE_ACCESS,
      `ctx.storage.${property} is a ${kind} state and cannot be assigned; change it through its methods (${kind === 'map' ? 'set, delete, clear' : 'append, replaceAll, clear'}).`,
    );
  }

  /** Adds the mutations of the batch's changes to `mutations`; none when the handle was not used. */
  collect(mutations: PbStateMutation[]): void {
    if (this.#handle) for (const mutation of this.#handle.persist()) mutations.push(mutation);
  }
}

type Slot = StateSlot | CollectionSlot;

/** The class of one function's `ctx.storage` objects, made by {@link storageClass}. */
type StorageClass = new (slots: readonly Slot[]) => object;

/**
 * Makes the class of one function's storage objects: an accessor per state on a prototype
 * without Object.prototype, over the batch's slots held in a private field. Instances are not
 * extensible, so assigning a name that is not a declared state throws.
 */
function storageClass(states: readonly StateDefinition[]): StorageClass {
  class Storage {
    readonly #slots: readonly Slot[];

    constructor(slots: readonly Slot[]) {
      this.#slots = slots;
      Object.preventExtensions(this);
    }

    static slot(storage: Storage, index: number): Slot {
      return storage.#slots[index] as Slot;
    }
  }
  Object.setPrototypeOf(Storage.prototype, null);
  delete (Storage.prototype as { constructor?: unknown }).constructor;
  states.forEach((state, index) => {
    Object.defineProperty(Storage.prototype, state.property, {
      enumerable: true,
      get(this: Storage) {
        return Storage.slot(this, index).read();
      },
      set(this: Storage, value: unknown) {
        Storage.slot(this, index).write(value);
      },
    });
  });
  return Storage;
}

/**
 * Builds the `ctx.storage` objects of one function. Properties are accessors on a shared
 * prototype, so a batch costs one small object; values are deserialized on first read and
 * serialized once, when the batch's mutations are collected.
 */
export class StorageFactory {
  readonly #states: readonly StateDefinition[];
  readonly #Storage: StorageClass;
  readonly #backings: StateBackings;
  readonly #clock: Clock;

  /**
   * `backings` says where lists and maps live (by default in their PersistedValue, as any
   * StateFun runtime keeps them); `clock` is what map entry expiry reads.
   */
  constructor(states: readonly StateDefinition[], options: { backings?: StateBackings; clock?: Clock } = {}) {
    this.#states = states;
    this.#Storage = storageClass(states);
    this.#backings = options.backings ?? valueBackings;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * The storage for one batch, given the state values the request carried, aligned with the
   * function's states, and the backings of this batch's lists and maps when they are not the
   * factory's. Unknown property names throw (the object is not extensible).
   */
  create(stored: readonly (PbTypedValue | undefined)[], backings: StateBackings = this.#backings): AddressStorage {
    const slots = this.#states.map((state, index): Slot =>
      state.kind === 'value'
        ? new StateSlot(state, stored[index])
        : new CollectionSlot(state, stored[index], backings, this.#clock),
    );
    return new AddressStorage(new this.#Storage(slots), slots);
  }
}

/** The storage of one batch and the mutations it accumulated. */
export class AddressStorage {
  constructor(
    /** The object the function sees as `ctx.storage`. */
    readonly object: object,
    private readonly slots: readonly Slot[],
  ) {}

  /** The mutations of every state the batch changed, in declaration order. */
  collectMutations(): PbStateMutation[] {
    const mutations: PbStateMutation[] = [];
    for (const slot of this.slots) slot.collect(mutations);
    return mutations;
  }
}
