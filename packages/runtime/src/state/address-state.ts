import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { ByteReader, ByteWriter } from '../message/binary-codec';

/** One stored state value of an address, with what expiration needs. */
export interface StoredValue {
  readonly typename: string;
  readonly value: Uint8Array;
  /** Epoch ms of the last write. */
  readonly writtenAt: number;
  /** Epoch ms of the last invocation of the address that saw this value. */
  readonly accessedAt: number;
}

/** All state values of one address, by state name. Treated as immutable: copy to change. */
export type AddressState = ReadonlyMap<string, StoredValue>;

const FORMAT_VERSION = 1;

/** Encodes an address's state for the state backend. */
export function encodeAddressState(state: AddressState): Buffer {
  const writer = new ByteWriter(64);
  writer.uint8(FORMAT_VERSION).varint(state.size);
  for (const [name, stored] of state) {
    writer.string(name).string(stored.typename).double(stored.writtenAt).double(stored.accessedAt).bytes(stored.value);
  }
  return writer.finish();
}

/** Decodes {@link encodeAddressState}'s bytes. Throws `KF_STATE_CORRUPT`. */
export function decodeAddressState(bytes: Uint8Array, key: string): AddressState {
  try {
    const reader = new ByteReader(bytes);
    const version = reader.uint8();
    if (version !== FORMAT_VERSION) throw new RangeError(`unknown format version ${version}`);
    const count = reader.varint();
    const state = new Map<string, StoredValue>();
    for (let index = 0; index < count; index++) {
      const name = reader.string();
      const typename = reader.string();
      const writtenAt = reader.double();
      const accessedAt = reader.double();
      state.set(name, { typename, writtenAt, accessedAt, value: reader.bytes() });
    }
    return state;
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.STATE_CORRUPT,
      `The stored state of ${JSON.stringify(key)} cannot be decoded (${(error as Error).message}).`,
      { cause: error },
    );
  }
}
