import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { PbMutationType, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import type { StateDefinition } from './function-registry';

/** One state value during a batch: what the request carried, and what the function made of it. */
class StateSlot {
  loaded = false;
  dirty = false;
  value: unknown = undefined;

  constructor(
    readonly state: StateDefinition,
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

/** The class of one function's `ctx.storage` objects, made by {@link storageClass}. */
type StorageClass = new (slots: readonly StateSlot[]) => object;

/**
 * Makes the class of one function's storage objects: an accessor per state on a prototype
 * without Object.prototype, over the batch's slots held in a private field. Instances are not
 * extensible, so assigning a name that is not a declared state throws.
 */
function storageClass(states: readonly StateDefinition[]): StorageClass {
  class Storage {
    readonly #slots: readonly StateSlot[];

    constructor(slots: readonly StateSlot[]) {
      this.#slots = slots;
      Object.preventExtensions(this);
    }

    static slot(storage: Storage, index: number): StateSlot {
      return storage.#slots[index] as StateSlot;
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

  constructor(states: readonly StateDefinition[]) {
    this.#states = states;
    this.#Storage = storageClass(states);
  }

  /**
   * The storage for one batch, given the state values the request carried, aligned with the
   * function's states. Unknown property names throw (the object is not extensible).
   */
  create(stored: readonly (PbTypedValue | undefined)[]): AddressStorage {
    const slots = this.#states.map((state, index) => new StateSlot(state, stored[index]));
    return new AddressStorage(new this.#Storage(slots), slots);
  }
}

/** The storage of one batch and the mutations it accumulated. */
export class AddressStorage {
  constructor(
    /** The object the function sees as `ctx.storage`. */
    readonly object: object,
    private readonly slots: readonly StateSlot[],
  ) {}

  /** One mutation per value the function assigned, in declaration order. */
  collectMutations(): PbStateMutation[] {
    const mutations: PbStateMutation[] = [];
    for (const slot of this.slots) {
      if (!slot.dirty) continue;
      const { name, type } = slot.state;
      if (slot.value === undefined) {
        mutations.push({ mutationType: PbMutationType.DELETE, stateName: name, stateValue: undefined });
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = type.serialize(slot.value);
      } catch (error) {
        throw new KeyflowError(
          SdkErrorCodes.SERIALIZATION_FAILED,
          `State '${name}' could not be serialized as ${type.typename}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      mutations.push({
        mutationType: PbMutationType.MODIFY,
        stateName: name,
        stateValue: { typename: type.typename, hasValue: true, value: bytes },
      });
    }
    return mutations;
  }
}
