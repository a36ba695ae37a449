import type { BackendOp } from '../state/state-backend';
import type { CheckpointStorage } from './checkpoint-storage';
import {
  decodeBasePart,
  decodeDelta,
  describeFile,
  encodeBasePart,
  encodeDelta,
  parseManifest,
  verifyFile,
  type ArchivedFile,
  type BaseManifest,
  type DeltaManifest,
} from './checkpoint-files';

/** Entries per snapshot part are gathered up to about this many bytes. */
const PART_BYTES = 16 * 1024 * 1024;

/** Progress of a snapshot being written. */
export interface SnapshotProgress {
  readonly entries: number;
  readonly bytes: number;
}

function inFolder(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

function idName(id: number): string {
  return id.toString().padStart(16, '0');
}

/**
 * The layout of checkpoints in a {@link CheckpointStorage}:
 * - `deltas/<id>.bin` + `deltas/<id>.json`: the operations of checkpoint `<id>` and its manifest;
 * - `bases/<id>/part-*.bin` + `bases/<id>/manifest.json`: the full state at checkpoint `<id>`;
 * - `savepoints/<name>/…`: a savepoint, laid out like a base.
 * Manifests are written last: an entry without its manifest is incomplete and ignored.
 */
export class CheckpointArchive {
  constructor(readonly storage: CheckpointStorage) {}

  /**
   * Writes the operations of checkpoints `firstId` to `id` (by default `id` alone); returns the
   * bytes written.
   */
  async writeDelta(id: number, lineage: string, time: number, ops: readonly BackendOp[], firstId = id): Promise<number> {
    const data = encodeDelta(ops);
    const name = `deltas/${idName(id)}.bin`;
    await this.storage.put(name, data);
    const manifest: DeltaManifest = {
      kind: 'delta',
      checkpointId: id,
      ...(firstId === id ? {} : { firstCheckpointId: firstId }),
      lineage,
      time,
      files: [describeFile(name, data)],
    };
    await this.storage.put(`deltas/${idName(id)}.json`, Buffer.from(JSON.stringify(manifest)));
    return data.byteLength;
  }

  /** Writes a full snapshot under `folder` (a base or a savepoint), manifest last. */
  async writeSnapshot(
    folder: string,
    kind: BaseManifest['kind'],
    id: number,
    lineage: string,
    time: number,
    entries: AsyncIterable<readonly [string, Uint8Array]>,
    onProgress?: (progress: SnapshotProgress) => void,
  ): Promise<BaseManifest> {
    const files: ArchivedFile[] = [];
    let part: (readonly [string, Uint8Array])[] = [];
    let partBytes = 0;
    let count = 0;
    let bytes = 0;
    const flush = async (): Promise<void> => {
      const name = `part-${files.length.toString().padStart(5, '0')}.bin`;
      const data = encodeBasePart(part);
      await this.storage.put(inFolder(folder, name), data);
      files.push(describeFile(name, data));
      bytes += data.byteLength;
      part = [];
      partBytes = 0;
      onProgress?.({ entries: count, bytes });
    };
    for await (const entry of entries) {
      part.push(entry);
      partBytes += entry[0].length + entry[1].byteLength + 8;
      count++;
      if (partBytes >= PART_BYTES) await flush();
    }
    if (part.length > 0 || files.length === 0) await flush();
    const manifest: BaseManifest = { kind, checkpointId: id, lineage, time, entries: count, files };
    await this.storage.put(inFolder(folder, 'manifest.json'), Buffer.from(JSON.stringify(manifest)));
    return manifest;
  }

  /** Writes the base of checkpoint `id`. */
  writeBase(id: number, lineage: string, time: number, entries: AsyncIterable<readonly [string, Uint8Array]>): Promise<BaseManifest> {
    return this.writeSnapshot(CheckpointArchive.baseFolder(id), 'base', id, lineage, time, entries);
  }

  /** The manifests of every complete delta, oldest first. Unreadable manifests are skipped. */
  async deltas(): Promise<DeltaManifest[]> {
    const names = (await this.storage.list('deltas/')).filter((name) => name.endsWith('.json'));
    const manifests = await Promise.all(names.map((name) => this.#manifest<DeltaManifest>(name)));
    return manifests.filter((manifest): manifest is DeltaManifest => manifest !== undefined).sort((a, b) => a.checkpointId - b.checkpointId);
  }

  /** The manifests of every complete base, oldest first. */
  async bases(): Promise<BaseManifest[]> {
    const names = (await this.storage.list('bases/')).filter((name) => name.endsWith('/manifest.json'));
    const manifests = await Promise.all(names.map((name) => this.#manifest<BaseManifest>(name)));
    return manifests.filter((manifest): manifest is BaseManifest => manifest !== undefined).sort((a, b) => a.checkpointId - b.checkpointId);
  }

  /** The operations of a delta, verified. Throws `KF_CHECKPOINT_CORRUPT`. */
  async readDelta(manifest: DeltaManifest): Promise<BackendOp[]> {
    const file = manifest.files[0] as ArchivedFile;
    const data = verifyFile(file, await this.storage.get(file.name), `checkpoint ${manifest.checkpointId}`);
    return decodeDelta(data, file.name);
  }

  /** The entries of the snapshot in `folder`, part by part, each verified. Throws `KF_CHECKPOINT_CORRUPT`. */
  async *readSnapshot(manifest: BaseManifest, folder: string): AsyncIterable<[string, Uint8Array][]> {
    for (const file of manifest.files) {
      const data = verifyFile(file, await this.storage.get(inFolder(folder, file.name)), `snapshot of checkpoint ${manifest.checkpointId}`);
      yield decodeBasePart(data, file.name);
    }
  }

  /** Reads a snapshot's manifest from `folder` (e.g. a savepoint), or undefined. */
  async snapshotManifest(folder: string): Promise<BaseManifest | undefined> {
    return this.#manifest<BaseManifest>(inFolder(folder, 'manifest.json'));
  }

  /** The folder of the base of checkpoint `id`. */
  static baseFolder(id: number): string {
    return `bases/${idName(id)}`;
  }

  /**
   * Deletes what restoring the newest `retain` checkpoints does not need: deltas and bases older
   * than the newest base at or below the oldest retained checkpoint, and incomplete leftovers.
   */
  async prune(retain: number): Promise<number> {
    const deltas = await this.deltas();
    const bases = await this.bases();
    const newest = deltas.at(-1);
    if (!newest) return 0;
    const oldestRetained = deltas[Math.max(0, deltas.length - retain)] as DeltaManifest;
    const floor = [...bases].reverse().find(
      (base) => base.lineage === oldestRetained.lineage && base.checkpointId <= oldestRetained.checkpointId,
    );
    if (!floor) return 0;
    const doomed: string[] = [];
    for (const delta of deltas) {
      if (delta.checkpointId <= floor.checkpointId) doomed.push(`deltas/${idName(delta.checkpointId)}.json`, ...delta.files.map((file) => file.name));
    }
    for (const base of bases) {
      const folder = CheckpointArchive.baseFolder(base.checkpointId);
      if (base.checkpointId < floor.checkpointId) doomed.push(`${folder}/manifest.json`, ...base.files.map((file) => `${folder}/${file.name}`));
    }
    // Manifests first: a half-deleted checkpoint is then incomplete rather than damaged.
    const manifests = doomed.filter((name) => name.endsWith('.json'));
    await this.storage.delete(manifests);
    await this.storage.delete(doomed.filter((name) => !name.endsWith('.json')));
    return manifests.length;
  }

  async #manifest<T extends DeltaManifest | BaseManifest>(name: string): Promise<T | undefined> {
    const data = await this.storage.get(name);
    if (data === undefined) return undefined;
    try {
      return parseManifest<T>(data, name);
    } catch {
      return undefined;
    }
  }
}
