import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { ByteReader, ByteWriter } from '../message/binary-codec';

/**
 * What one list or map state stored entry by entry knows about itself, under its header key:
 * small, read before each batch that uses the collection, rewritten only when it changes.
 */
export interface CollectionHeader {
  readonly kind: 'map' | 'list';
  /** The typename of every element (list) or value (map). */
  readonly typename: string;
  /** Lists: how many elements are stored (keys `l0` … `l<length - 1>`). Maps: 0. */
  readonly length: number;
  /** Maps: the generation whose entries are the map's (a `clear()` starts the next). Lists: 0. */
  readonly generation: number;
  /** Epoch ms of the last write, for a list's after-write expiry. */
  readonly writtenAt: number;
  /** Epoch ms of the last batch that saw the collection, for a list's after-invoke expiry. */
  readonly accessedAt: number;
}

const FORMAT_VERSION = 1;
const KINDS = ['map', 'list'] as const;

/** Encodes a header for the state backend. */
export function encodeCollectionHeader(header: CollectionHeader): Buffer {
  return new ByteWriter(32 + header.typename.length)
    .uint8(FORMAT_VERSION)
    .uint8(KINDS.indexOf(header.kind))
    .string(header.typename)
    .varint(header.length)
    .varint(header.generation)
    .double(header.writtenAt)
    .double(header.accessedAt)
    .finish();
}

/** Decodes {@link encodeCollectionHeader}'s bytes. Throws `KF_STATE_CORRUPT`, naming `key`. */
export function decodeCollectionHeader(bytes: Uint8Array, key: string): CollectionHeader {
  try {
    const reader = new ByteReader(bytes);
    const version = reader.uint8();
    if (version !== FORMAT_VERSION) throw new RangeError(`unknown format version ${version}`);
    const kind = KINDS[reader.uint8()];
    if (!kind) throw new RangeError('unknown collection kind');
    return {
      kind,
      typename: reader.string(),
      length: reader.varint(),
      generation: reader.varint(),
      writtenAt: reader.double(),
      accessedAt: reader.double(),
    };
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.STATE_CORRUPT,
      `The collection header ${JSON.stringify(key)} cannot be decoded (${(error as Error).message}); restore the state folder from a checkpoint.`,
      { cause: error },
    );
  }
}
