import type { StateBackend } from './state-backend';

/** The most keys one backend read asks for. */
const MAX_READ_BATCH = 1_000;

interface PendingRead {
  readonly key: string;
  readonly resolve: (value: Uint8Array | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Point reads of a {@link StateBackend}: the reads asked for in one synchronous step share one
 * `getMany` (in chunks of at most 1,000 keys), so a burst of loads costs one backend call.
 */
export class BatchedReader {
  #reads: PendingRead[] = [];
  #count = 0;

  constructor(private readonly backend: StateBackend) {}

  /** The stored value of `key`, undefined when absent. */
  read(key: string): Promise<Uint8Array | undefined> {
    return new Promise((resolve, reject) => {
      this.#reads.push({ key, resolve, reject });
      if (this.#reads.length === 1) queueMicrotask(() => this.#flush());
    });
  }

  /** How many keys were read so far. */
  get count(): number {
    return this.#count;
  }

  #flush(): void {
    const reads = this.#reads;
    this.#reads = [];
    this.#count += reads.length;
    for (let start = 0; start < reads.length; start += MAX_READ_BATCH) {
      const chunk = reads.slice(start, start + MAX_READ_BATCH);
      this.backend.getMany(chunk.map((read) => read.key)).then(
        (values) => chunk.forEach((read, index) => read.resolve(values[index])),
        (error: unknown) => chunk.forEach((read) => read.reject(error)),
      );
    }
  }
}
