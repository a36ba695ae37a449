import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { PbAddress } from '../protocol/wire-types';
import { parseTypename } from './typename';

/**
 * One function instance: the function's typename and the instance id.
 *
 * @example
 * const inbox: Address = { typename: 'example/inbox', id: 'alice' };
 */
export interface Address {
  readonly typename: string;
  readonly id: string;
}

/** Converts a wire address to an {@link Address}. */
export function fromPbAddress(address: PbAddress): Address {
  return { typename: `${address.namespace}/${address.type}`, id: address.id };
}

/** Converts an {@link Address} to its wire form. Throws `KF_INVALID_MESSAGE` on a bad address. */
export function toPbAddress(address: Address, where: string): PbAddress {
  if (address === null || typeof address !== 'object') {
    throw new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, `${where}: the target address is missing.`);
  }
  const { namespace, name } = parseTypename(address.typename, `${where}: target typename`);
  if (typeof address.id !== 'string' || address.id.length === 0) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_MESSAGE,
      `${where}: the target ${address.typename} has no id; every address needs a non-empty string id.`,
    );
  }
  return { namespace, type: name, id: address.id };
}
