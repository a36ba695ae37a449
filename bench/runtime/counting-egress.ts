import type { EgressRecord, StreamingEgressSink } from '@keyflow/runtime/kinds';

/** An egress that only counts records, and resolves `reached` at a target count. */
export class CountingEgress implements StreamingEgressSink {
  readonly deliverySemantic = 'at-least-once' as const;
  count = 0;
  #target = Infinity;
  #resolve: (() => void) | undefined;

  constructor(readonly id: string) {}

  until(target: number): Promise<void> {
    this.#target = target;
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#check();
    });
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    this.count += records.length;
    this.#check();
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  #check(): void {
    if (this.count >= this.#target) this.#resolve?.();
  }
}
