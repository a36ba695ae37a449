import { planArchiveRestore, type ArchiveState } from './archive-restore-plan';
import type { BaseManifest, DeltaManifest } from './checkpoint-files';

const delta = (checkpointId: number, lineage = 'L'): DeltaManifest => ({ kind: 'delta', checkpointId, lineage, time: checkpointId, files: [] });
const base = (checkpointId: number, lineage = 'L'): BaseManifest => ({ kind: 'base', checkpointId, lineage, time: checkpointId, entries: 0, files: [] });
const ids = (manifests: readonly { checkpointId: number }[]) => manifests.map((manifest) => manifest.checkpointId);

function plan(state: Partial<ArchiveState>) {
  return planArchiveRestore({ local: undefined, deltas: [], bases: [], badDeltas: new Set(), badBases: new Set(), ...state });
}

describe('planArchiveRestore', () => {
  it('keeps the local state when nothing in the archive is newer', () => {
    expect(plan({})).toEqual({ kind: 'keep-local' });
    expect(plan({ local: { checkpointId: 3, lineage: 'L', time: 3 }, deltas: [delta(2), delta(3)] })).toEqual({ kind: 'keep-local' });
  });

  it('applies the missing deltas onto a backend of the same lineage', () => {
    const step = plan({ local: { checkpointId: 2, lineage: 'L', time: 2 }, deltas: [delta(1), delta(2), delta(3), delta(4)], bases: [base(3)] });
    expect(step.kind).toBe('apply-deltas');
    expect(step.kind === 'apply-deltas' && ids(step.chain)).toEqual([3, 4]);
  });

  it('loads the newest base of the lineage and the deltas after it when the backend is of another lineage', () => {
    const step = plan({ local: { checkpointId: 9, lineage: 'old', time: 9 }, deltas: [delta(10), delta(11), delta(12)], bases: [base(10), base(11)] });
    expect(step.kind === 'load-base' && [step.base?.checkpointId, ids(step.chain)]).toEqual([11, [12]]);
  });

  it('passes over a damaged base, and starts from empty state when the deltas reach back to the first', () => {
    const step = plan({ deltas: [delta(1), delta(2)], bases: [base(1)], badBases: new Set([1]) });
    expect(step.kind === 'load-base' && [step.base, ids(step.chain)]).toEqual([undefined, [1, 2]]);
  });

  it('gives up a checkpoint whose chain has a gap, so that an older one is tried', () => {
    expect(plan({ deltas: [delta(1), delta(3)] })).toEqual({ kind: 'give-up', checkpointId: 3 });
    const older = plan({ deltas: [delta(1), delta(3)], badDeltas: new Set([3]) });
    expect(older.kind === 'load-base' && ids(older.chain)).toEqual([1]);
  });

  it('chains deltas that cover several checkpoints (local commits archived with the next checkpoint), also from inside one', () => {
    const range = (first: number, last: number): DeltaManifest => ({ ...delta(last), firstCheckpointId: first });
    const deltas = [delta(1), range(2, 6), delta(7), range(8, 9)];
    const fromEmpty = plan({ deltas });
    expect(fromEmpty.kind === 'load-base' && ids(fromEmpty.chain)).toEqual([1, 6, 7, 9]);
    // The backend holds local commit 4 of the range 2..6: that delta again, then the rest.
    const fromLocal = plan({ local: { checkpointId: 4, lineage: 'L', time: 4 }, deltas });
    expect(fromLocal.kind === 'apply-deltas' && ids(fromLocal.chain)).toEqual([6, 7, 9]);
    expect(plan({ deltas: [delta(1), range(3, 6)] })).toEqual({ kind: 'give-up', checkpointId: 6 });
  });
});
