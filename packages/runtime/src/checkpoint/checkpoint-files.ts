import { createHash } from 'node:crypto';
import { KeyflowError } from '@keyflow/sdk';
import { ByteReader, ByteWriter } from '../message/binary-codec';
import type { BackendOp } from '../state/state-backend';
import { CheckpointErrorCodes } from './checkpoint-error-codes';

// The files of a checkpoint archive. A delta file holds the backend operations of one
// checkpoint; a base part holds entries of a full snapshot. Both start with a magic word and
// a version; manifests list files with their size and SHA-256.

const DELTA_MAGIC = 'KFD1';
const BASE_MAGIC = 'KFB1';

/** A file of a checkpoint, as its manifest lists it. */
export interface ArchivedFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** The manifest of a delta: written last, so a delta without one does not exist. */
export interface DeltaManifest {
  readonly kind: 'delta';
  readonly checkpointId: number;
  /**
   * The first checkpoint it covers, when it covers more than one: local commits (see
   * {@link CheckpointCoordinator.requestCommit}) reach the archive with the next checkpoint,
   * in its delta. Absent: it covers `checkpointId` alone.
   */
  readonly firstCheckpointId?: number;
  /** The history this checkpoint belongs to; deltas chain only within one lineage. */
  readonly lineage: string;
  readonly time: number;
  readonly files: readonly ArchivedFile[];
}

/** The manifest of a full snapshot (a compaction base or a savepoint). */
export interface BaseManifest {
  readonly kind: 'base' | 'savepoint';
  readonly checkpointId: number;
  readonly lineage: string;
  readonly time: number;
  readonly entries: number;
  readonly files: readonly ArchivedFile[];
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function describeFile(name: string, data: Uint8Array): ArchivedFile {
  return { name, size: data.byteLength, sha256: sha256(data) };
}

export function encodeDelta(ops: readonly BackendOp[]): Buffer {
  const writer = new ByteWriter(64 * 1024);
  writer.string(DELTA_MAGIC).varint(ops.length);
  for (const op of ops) {
    writer.uint8(op.type === 'put' ? 1 : 0).string(op.key);
    if (op.type === 'put') writer.bytes(op.value);
  }
  return writer.finish();
}

export function decodeDelta(data: Uint8Array, name: string): BackendOp[] {
  return decode(name, () => {
    const reader = new ByteReader(data);
    if (reader.string() !== DELTA_MAGIC) throw new RangeError('not a delta file');
    const count = reader.varint();
    const ops: BackendOp[] = [];
    for (let index = 0; index < count; index++) {
      const isPut = reader.uint8() === 1;
      const key = reader.string();
      ops.push(isPut ? { type: 'put', key, value: reader.bytes() } : { type: 'del', key });
    }
    return ops;
  });
}

export function encodeBasePart(entries: readonly (readonly [string, Uint8Array])[]): Buffer {
  const writer = new ByteWriter(64 * 1024);
  writer.string(BASE_MAGIC).varint(entries.length);
  for (const [key, value] of entries) writer.string(key).bytes(value);
  return writer.finish();
}

export function decodeBasePart(data: Uint8Array, name: string): [string, Uint8Array][] {
  return decode(name, () => {
    const reader = new ByteReader(data);
    if (reader.string() !== BASE_MAGIC) throw new RangeError('not a snapshot file');
    const count = reader.varint();
    const entries: [string, Uint8Array][] = [];
    for (let index = 0; index < count; index++) entries.push([reader.string(), reader.bytes()]);
    return entries;
  });
}

/** Checks a file against its manifest entry. Throws `KF_CHECKPOINT_CORRUPT`. */
export function verifyFile(file: ArchivedFile, data: Uint8Array | undefined, where: string): Uint8Array {
  if (data === undefined) throw corrupt(`${where}: ${file.name} is missing`);
  if (data.byteLength !== file.size) throw corrupt(`${where}: ${file.name} has ${data.byteLength} bytes, the manifest says ${file.size}`);
  if (sha256(data) !== file.sha256) throw corrupt(`${where}: ${file.name} does not match its checksum`);
  return data;
}

export function parseManifest<T extends DeltaManifest | BaseManifest>(data: Uint8Array, name: string): T {
  return decode(name, () => JSON.parse(Buffer.from(data).toString('utf8')) as T);
}

export function corrupt(message: string): KeyflowError {
  return new KeyflowError(CheckpointErrorCodes.CORRUPT, message);
}

function decode<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof KeyflowError) throw error;
    throw corrupt(`${name} cannot be decoded: ${(error as Error).message}`);
  }
}
