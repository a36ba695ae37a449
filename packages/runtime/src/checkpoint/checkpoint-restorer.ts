import { KeyflowError, isKeyflowError, type Logger } from '@keyflow/sdk';
import type { StateBackend } from '../state/state-backend';
import { CheckpointArchive } from './checkpoint-archive';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import type { BaseManifest, DeltaManifest } from './checkpoint-files';
import { readMarker } from './checkpoint-marker';

/** How the backend was brought to the state it starts from. */
export interface RestoreReport {
  /** `local`: the backend already held the newest usable checkpoint; `archive`: it was brought up to date from storage. */
  readonly source: 'empty' | 'local' | 'archive' | 'savepoint';
  readonly checkpointId: number;
  readonly deltasApplied: number;
  readonly snapshotEntries: number;
  /** Checkpoints skipped because a file was missing or damaged. */
  readonly skipped: readonly number[];
}

const WRITE_BATCH = 10_000;

/**
 * Brings `backend` to the newest complete and valid checkpoint of `archive`, if that is newer
 * than what the backend holds: by applying the missing deltas when the backend is on the same
 * lineage, or else by loading a base and the deltas after it. Every file is verified before the
 * backend is touched; a damaged checkpoint is skipped for an older one.
 */
export async function restoreFromArchive(backend: StateBackend, archive: CheckpointArchive, logger: Logger): Promise<RestoreReport> {
  const local = await readMarker(backend);
  const deltas = await archive.deltas();
  const bases = await archive.bases();
  const badDeltas = new Set<number>();
  const badBases = new Set<number>();
  const skipped: number[] = [];

  for (;;) {
    const target = [...deltas].reverse().find((delta) => !badDeltas.has(delta.checkpointId) && delta.checkpointId > (local?.checkpointId ?? 0));
    if (!target) break;
    const lineage = deltas.filter((delta) => delta.lineage === target.lineage && !badDeltas.has(delta.checkpointId));
    const chainFrom = (from: number): DeltaManifest[] | undefined => {
      const chain: DeltaManifest[] = [];
      for (let id = from; id <= target.checkpointId; id++) {
        const delta = lineage.find((candidate) => candidate.checkpointId === id);
        if (!delta) return undefined;
        chain.push(delta);
      }
      return chain;
    };
    try {
      if (local && local.lineage === target.lineage) {
        const chain = chainFrom(local.checkpointId + 1);
        if (chain) {
          const ops = await readAll(archive, chain, badDeltas);
          for (const deltaOps of ops) await backend.write(deltaOps);
          return { source: 'archive', checkpointId: target.checkpointId, deltasApplied: chain.length, snapshotEntries: 0, skipped };
        }
      }
      const base = [...bases]
        .reverse()
        .find(
          (candidate) =>
            candidate.lineage === target.lineage &&
            !badBases.has(candidate.checkpointId) &&
            candidate.checkpointId <= target.checkpointId &&
            chainFrom(candidate.checkpointId + 1) !== undefined,
        );
      const chain = chainFrom((base?.checkpointId ?? 0) + 1);
      if (!chain) {
        badDeltas.add(target.checkpointId);
        skipped.push(target.checkpointId);
        continue;
      }
      const ops = await readAll(archive, chain, badDeltas);
      await backend.clear();
      let entries = 0;
      if (base) {
        try {
          entries = await loadSnapshot(backend, archive, base, CheckpointArchive.baseFolder(base.checkpointId));
        } catch (error) {
          if (isKeyflowError(error, CheckpointErrorCodes.CORRUPT)) badBases.add(base.checkpointId);
          throw error;
        }
      }
      for (const deltaOps of ops) await backend.write(deltaOps);
      return { source: 'archive', checkpointId: target.checkpointId, deltasApplied: chain.length, snapshotEntries: entries, skipped };
    } catch (error) {
      if (!isKeyflowError(error, CheckpointErrorCodes.CORRUPT)) throw error;
      logger.warn('a checkpoint in storage is damaged; trying an older one', { checkpointId: target.checkpointId, error: error.message });
      if (!skipped.includes(target.checkpointId)) skipped.push(target.checkpointId);
    }
  }
  const marker = await readMarker(backend);
  if (local && !marker) throw localStateLost(local.checkpointId);
  return { source: marker ? 'local' : 'empty', checkpointId: marker?.checkpointId ?? 0, deltasApplied: 0, snapshotEntries: 0, skipped };
}

/** Loads a savepoint (a full snapshot) into an emptied backend. */
export async function restoreFromSnapshot(
  backend: StateBackend,
  archive: CheckpointArchive,
  manifest: BaseManifest,
  folder: string,
): Promise<RestoreReport> {
  await backend.clear();
  const entries = await loadSnapshot(backend, archive, manifest, folder);
  return { source: 'savepoint', checkpointId: manifest.checkpointId, deltasApplied: 0, snapshotEntries: entries, skipped: [] };
}

/** Reads and verifies a whole chain before anything is written; marks the first bad delta. */
async function readAll(archive: CheckpointArchive, chain: readonly DeltaManifest[], badDeltas: Set<number>) {
  const all = [];
  for (const delta of chain) {
    try {
      all.push(await archive.readDelta(delta));
    } catch (error) {
      if (isKeyflowError(error, CheckpointErrorCodes.CORRUPT)) badDeltas.add(delta.checkpointId);
      throw error;
    }
  }
  return all;
}

async function loadSnapshot(backend: StateBackend, archive: CheckpointArchive, manifest: BaseManifest, folder: string): Promise<number> {
  let entries = 0;
  for await (const part of archive.readSnapshot(manifest, folder)) {
    for (let start = 0; start < part.length; start += WRITE_BATCH) {
      await backend.write(part.slice(start, start + WRITE_BATCH).map(([key, value]) => ({ type: 'put' as const, key, value })));
    }
    entries += part.length;
  }
  return entries;
}

/**
 * A failed full restore may have cleared the backend, losing the local checkpoint, and no older
 * complete checkpoint replaced it: say so plainly instead of silently starting from less state.
 */
function localStateLost(localId: number): KeyflowError {
  return new KeyflowError(
    CheckpointErrorCodes.CORRUPT,
    `Restoring from checkpoint storage failed after the local state (checkpoint ${localId}) was cleared, and no complete checkpoint could replace it; restore a savepoint with --from-savepoint.`,
  );
}
