import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { ListStateDefinition, MapStateDefinition } from './state-definition';

type CollectionState = MapStateDefinition | ListStateDefinition;

/** Serializes one map value or list element with the state's type; refuses undefined and null. */
export function serializeElement(state: CollectionState, value: unknown, where: string): Uint8Array {
  if (value === undefined || value === null) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_STATE_ACCESS,
      `${where}: state '${state.name}' cannot hold ${String(value)}; ${state.kind === 'map' ? 'use delete(key) to remove an entry' : 'leave the element out'}.`,
    );
  }
  try {
    return state.type.serialize(value);
  } catch (error) {
    throw new KeyflowError(
      SdkErrorCodes.SERIALIZATION_FAILED,
      `${where}: a value of state '${state.name}' could not be serialized as ${state.type.typename}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Deserializes one stored map value or list element with the state's type. */
export function deserializeElement(state: CollectionState, bytes: Uint8Array): unknown {
  try {
    return state.type.deserialize(bytes);
  } catch (error) {
    throw new KeyflowError(
      SdkErrorCodes.SERIALIZATION_FAILED,
      `A stored value of state '${state.name}' could not be read as ${state.type.typename}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
