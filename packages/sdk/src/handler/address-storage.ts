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

const SLOTS = Symbol('slots');

interface StorageObject {
  [SLOTS]: StateSlot[];
}

/**
 * Builds the `ctx.storage` objects of one function. Properties are accessors on a shared
 * prototype, so a batch costs one small object; values are deserialized on first read and
 * serialized once, when the batch's mutations are collected.
 */
export class StorageFactory {
  readonly #states: readonly StateDefinition[];
  readonly #prototype: object;

  constructor(states: readonly StateDefinition[]) {
    this.#states = states;
    const prototype = Object.create(null) as object;
    states.forEach((state, index) => {
      Object.defineProperty(prototype, state.property, {
        enumerable: true,
        get(this: StorageObject) {
          return (this[SLOTS][index] as StateSlot).read();
        },
        set(this: StorageObject, value: unknown) {
          (this[SLOTS][index] as StateSlot).write(value);
        },
      });
    });
    this.#prototype = prototype;
  }

  /**
   * The storage for one batch, given the state values the request carried, aligned with the
   * function's states. Unknown property names throw (the object is not extensible).
   */
  create(stored: readonly (PbTypedValue | undefined)[]): AddressStorage {
    const slots = this.#states.map((state, index) => new StateSlot(state, stored[index]));
    const object = Object.create(this.#prototype) as StorageObject;
    Object.defineProperty(object, SLOTS, { value: slots });
    Object.preventExtensions(object);
    return new AddressStorage(object, slots);
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
