import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { LIST_STATE_TYPENAME, decodeListStateValue, encodeListStateValue } from '../protocol/collection-values';
import { PbMutationType, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import type { ListBacking, ListChanges } from './state-backing';
import type { ListStateDefinition } from './state-definition';

const NO_ELEMENTS: readonly Uint8Array[] = [];

/**
 * A list kept whole in the value of one PersistedValue (`io.keyflow.types/list`), as every
 * StateFun runtime can store it: the request carries all elements, and any change writes all of
 * them back. Decoded on first use (its length too: the value carries no separate count).
 */
export class ValueBackedList implements ListBacking {
  readonly #state: ListStateDefinition;
  readonly #stored: PbTypedValue | undefined;
  #elements: readonly Uint8Array[] | undefined;

  constructor(state: ListStateDefinition, stored: PbTypedValue | undefined) {
    this.#state = state;
    this.#stored = stored;
  }

  get length(): number {
    return this.#all().length;
  }

  read(index: number): Uint8Array | undefined {
    return this.#all()[index];
  }

  scan(): Iterable<Uint8Array> {
    return this.#all();
  }

  persist(changes: ListChanges): PbStateMutation[] {
    const { name, type } = this.#state;
    if (!changes.cleared && changes.appended.length === 0) return [];
    const elements = changes.cleared ? changes.appended : [...this.#all(), ...changes.appended];
    if (elements.length === 0) return [{ mutationType: PbMutationType.DELETE, stateName: name, stateValue: undefined }];
    return [
      {
        mutationType: PbMutationType.MODIFY,
        stateName: name,
        stateValue: { typename: LIST_STATE_TYPENAME, hasValue: true, value: encodeListStateValue(type.typename, elements) },
      },
    ];
  }

  #all(): readonly Uint8Array[] {
    this.#elements ??= this.#decode();
    return this.#elements;
  }

  #decode(): readonly Uint8Array[] {
    const stored = this.#stored;
    if (!stored || !stored.hasValue) return NO_ELEMENTS;
    const { name, type } = this.#state;
    if (stored.typename !== LIST_STATE_TYPENAME) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `State '${name}' holds a value of type ${stored.typename}, but the function declares a list state (${LIST_STATE_TYPENAME}).`,
      );
    }
    let decoded;
    try {
      decoded = decodeListStateValue(stored.value);
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `State '${name}' is not a valid ${LIST_STATE_TYPENAME} value: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (decoded.elements.length > 0 && decoded.elementTypename !== type.typename) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `List state '${name}' holds elements of type ${decoded.elementTypename}, but the function declares ${type.typename}.`,
      );
    }
    return decoded.elements;
  }
}
