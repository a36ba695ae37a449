import type { BaseManifest, DeltaManifest } from './checkpoint-files';
import type { CheckpointMarker } from './checkpoint-marker';

/** What the archive holds and what is known about it, for {@link planArchiveRestore}. */
export interface ArchiveState {
  /** The checkpoint the backend holds, if any. */
  readonly local: CheckpointMarker | undefined;
  readonly deltas: readonly DeltaManifest[];
  readonly bases: readonly BaseManifest[];
  /** Checkpoints found damaged so far. */
  readonly badDeltas: ReadonlySet<number>;
  readonly badBases: ReadonlySet<number>;
}

/** The next step of a restore from the archive. */
export type ArchiveRestoreStep =
  /** Nothing in the archive is newer than the backend: keep what it holds. */
  | { readonly kind: 'keep-local' }
  /** The newest checkpoint has no complete chain of deltas: give it up, try an older one. */
  | { readonly kind: 'give-up'; readonly checkpointId: number }
  /** Apply the deltas after the backend's checkpoint (same lineage). */
  | { readonly kind: 'apply-deltas'; readonly target: DeltaManifest; readonly chain: readonly DeltaManifest[] }
  /** Clear the backend, load `base` (none: start empty), apply the deltas after it. */
  | { readonly kind: 'load-base'; readonly target: DeltaManifest; readonly base: BaseManifest | undefined; readonly chain: readonly DeltaManifest[] };

/**
 * Decides, from manifests alone, how to bring the backend to the newest complete checkpoint of
 * the archive that is newer than its own: the missing deltas when the backend is on the same
 * lineage, else the newest usable base of that lineage and the deltas after it. Pure: applying
 * the step (and marking what turns out damaged) is the caller's.
 */
export function planArchiveRestore(archive: ArchiveState): ArchiveRestoreStep {
  const { local, deltas, bases, badDeltas, badBases } = archive;
  const target = [...deltas].reverse().find((delta) => !badDeltas.has(delta.checkpointId) && delta.checkpointId > (local?.checkpointId ?? 0));
  if (!target) return { kind: 'keep-local' };
  const lineage = deltas.filter((delta) => delta.lineage === target.lineage && !badDeltas.has(delta.checkpointId));
  // Each delta covers checkpoints firstCheckpointId..checkpointId. A chain may begin inside a
  // delta's range: its operations are whole values by key, so applying the ones already held
  // again ends in the same state.
  const chainFrom = (from: number): DeltaManifest[] | undefined => {
    const chain: DeltaManifest[] = [];
    for (let id = from; id <= target.checkpointId; ) {
      const delta = lineage.find((candidate) => (candidate.firstCheckpointId ?? candidate.checkpointId) <= id && candidate.checkpointId >= id);
      if (!delta) return undefined;
      chain.push(delta);
      id = delta.checkpointId + 1;
    }
    return chain;
  };
  if (local && local.lineage === target.lineage) {
    const chain = chainFrom(local.checkpointId + 1);
    if (chain) return { kind: 'apply-deltas', target, chain };
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
  if (!chain) return { kind: 'give-up', checkpointId: target.checkpointId };
  return { kind: 'load-base', target, base, chain };
}
