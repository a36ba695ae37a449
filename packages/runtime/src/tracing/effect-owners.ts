import type { PbEffectCounts } from '@keyflow/sdk/protocol';

/**
 * Which invocation of a batch caused each effect of one kind in its response, from where each
 * invocation's effects begin (`invocationEffects`); without them, the batch's only invocation.
 * Effects are asked for in order, so the walk goes forward only.
 */
export class EffectOwners {
  #invocation = 0;

  constructor(
    private readonly starts: readonly PbEffectCounts[] | undefined,
    private readonly kind: keyof PbEffectCounts,
  ) {}

  /** The index of the invocation that caused effect `index` (asked for in increasing order). */
  of(index: number): number {
    const starts = this.starts;
    if (starts === undefined) return 0;
    while (this.#invocation + 1 < starts.length && (starts[this.#invocation + 1] as PbEffectCounts)[this.kind] <= index) this.#invocation++;
    return this.#invocation;
  }
}
