import { KeyflowError } from '@keyflow/sdk';
import type { StoredMapEntry } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { ByteReader, ByteWriter } from '../message/binary-codec';

/** Encodes one map entry stored under its own key: its expiry (0: none), then its value's bytes. */
export function encodeStoredMapEntry(entry: StoredMapEntry): Buffer {
  return new ByteWriter(16 + entry.value.length).double(entry.expiresAtMillis).bytes(entry.value).finish();
}

/** Decodes {@link encodeStoredMapEntry}'s bytes. Throws `KF_STATE_CORRUPT`, naming `key`. */
export function decodeStoredMapEntry(bytes: Uint8Array, key: string): StoredMapEntry {
  try {
    const reader = new ByteReader(bytes);
    const expiresAtMillis = reader.double();
    return { expiresAtMillis, value: reader.bytes() };
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.STATE_CORRUPT,
      `The map entry ${JSON.stringify(key)} cannot be decoded (${(error as Error).message}); restore the state folder from a checkpoint.`,
      { cause: error },
    );
  }
}
