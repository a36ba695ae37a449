/** Resolves after `ms` milliseconds; the timer does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Exponential backoff with jitter for retry loops that never give up on their own (they stop
 * when their component closes): 100 ms, 200 ms, … up to `maxMs`.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly initialMs = 100,
    private readonly maxMs = 5_000,
  ) {}

  /** How many failures since the last {@link reset}. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt (and counts this failure). */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#attempt, 16));
    this.#attempt++;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
