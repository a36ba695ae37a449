import { Types } from '@keyflow/sdk';
import type { EgressRecord, StreamingDeliverySemantic, StreamingEgressSink } from '@keyflow/runtime/kinds';

/** An egress that keeps the string records it gets, and resolves waits for a number of them. */
export class RecordingEgress implements StreamingEgressSink {
  readonly lines: string[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    readonly id = 'it/seen',
    readonly deliverySemantic: StreamingDeliverySemantic = 'at-least-once',
  ) {}

  async write(records: readonly EgressRecord[]): Promise<void> {
    for (const record of records) this.lines.push(Types.string.deserialize(record.value.value));
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.lines.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  /** Resolves once `count` lines arrived, or after `timeoutMs` (then the test's expectations tell). */
  async until(count: number, timeoutMs = 20_000): Promise<string[]> {
    if (this.lines.length < count) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push({ count, resolve })),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    return this.lines;
  }
}
