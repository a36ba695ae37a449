import { KeyflowError, isKeyflowError, type Logger } from '@keyflow/sdk';
import type { StateBackend } from '../state/state-backend';
import { CheckpointArchive } from './checkpoint-archive';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import { planArchiveRestore } from './archive-restore-plan';
import type { BaseManifest, DeltaManifest } from './checkpoint-files';
import { readMarker } from './checkpoint-marker';
import { storageFromUri } from './storage-uri';

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
 * The first step of recovery: brings the backend to the checkpoint the runtime starts from —
 * a savepoint when one is given, else the newest complete checkpoint of the archive when it is
 * newer than the backend's own. The coordinator's `recover` then hands the participants their parts.
 */
export async function restoreBackend(
  backend: StateBackend,
  from: { readonly archive: CheckpointArchive | undefined; readonly fromSavepoint: string | undefined; readonly logger: Logger },
): Promise<RestoreReport> {
  const { archive, fromSavepoint, logger } = from;
  if (fromSavepoint !== undefined) {
    const savepoint = new CheckpointArchive(storageFromUri(fromSavepoint));
    const manifest = await savepoint.snapshotManifest('');
    if (!manifest) {
      throw new KeyflowError(
        CheckpointErrorCodes.SAVEPOINT_FAILED,
        `${fromSavepoint} holds no complete savepoint (no manifest.json); pass the URI that 'keyflow savepoint' printed.`,
      );
    }
    return restoreFromSnapshot(backend, savepoint, manifest, '');
  }
  if (archive) return restoreFromArchive(backend, archive, logger);
  return { source: 'local', checkpointId: 0, deltasApplied: 0, snapshotEntries: 0, skipped: [] };
}

/**
 * Brings `backend` to the newest complete and valid checkpoint of `archive`, if that is newer
 * than what the backend holds, following {@link planArchiveRestore} step by step. Every file
 * is verified before the backend is touched; a damaged checkpoint is skipped for an older one.
 */
export async function restoreFromArchive(backend: StateBackend, archive: CheckpointArchive, logger: Logger): Promise<RestoreReport> {
  const local = await readMarker(backend);
  const deltas = await archive.deltas();
  const bases = await archive.bases();
  const badDeltas = new Set<number>();
  const badBases = new Set<number>();
  const skipped: number[] = [];

  for (;;) {
    const step = planArchiveRestore({ local, deltas, bases, badDeltas, badBases });
    if (step.kind === 'keep-local') break;
    if (step.kind === 'give-up') {
      badDeltas.add(step.checkpointId);
      skipped.push(step.checkpointId);
      continue;
    }
    try {
      const ops = await readAll(archive, step.chain, badDeltas);
      let entries = 0;
      if (step.kind === 'load-base') {
        await backend.clear();
        if (step.base) entries = await loadBase(backend, archive, step.base, badBases);
      }
      for (const deltaOps of ops) await backend.write(deltaOps);
      return { source: 'archive', checkpointId: step.target.checkpointId, deltasApplied: step.chain.length, snapshotEntries: entries, skipped };
    } catch (error) {
      if (!isKeyflowError(error, CheckpointErrorCodes.CORRUPT)) throw error;
      logger.warn('a checkpoint in storage is damaged; trying an older one', { checkpointId: step.target.checkpointId, error: error.message });
      if (!skipped.includes(step.target.checkpointId)) skipped.push(step.target.checkpointId);
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

/** Loads a base, marking it damaged when a file of it is. */
async function loadBase(backend: StateBackend, archive: CheckpointArchive, base: BaseManifest, badBases: Set<number>): Promise<number> {
  try {
    return await loadSnapshot(backend, archive, base, CheckpointArchive.baseFolder(base.checkpointId));
  } catch (error) {
    if (isKeyflowError(error, CheckpointErrorCodes.CORRUPT)) badBases.add(base.checkpointId);
    throw error;
  }
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
