/** The first delay between two attempts of a function call. */
export const INITIAL_BACKOFF_MS = 50;
/** The longest delay between two attempts of a function call. */
export const MAX_BACKOFF_MS = 2_000;

/**
 * How long to wait after failed attempt number `attempt` (1-based): exponential from
 * `initialMs` (default {@link INITIAL_BACKOFF_MS}), capped at `maxMs` (default
 * {@link MAX_BACKOFF_MS}), with "equal jitter" (between half and all of the exponential delay)
 * so that callers failing together do not retry together.
 *
 * @example
 * backoffDelayMs(1) // 25..50
 * backoffDelayMs(3) // 100..200
 */
export function backoffDelayMs(
  attempt: number,
  random: () => number = Math.random,
  initialMs = INITIAL_BACKOFF_MS,
  maxMs = MAX_BACKOFF_MS,
): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}

/**
 * The backoff of a retry loop that never gives up on its own (it stops when its component
 * closes, e.g. a connector's poll loop): {@link backoffDelayMs} over the failures since the
 * last {@link reset}, from `initialMs` up to `maxMs`.
 *
 * @example
 * const backoff = new Backoff(200, 5_000);
 * for (;;) { try { await poll(); backoff.reset(); } catch { await sleep(backoff.next()); } }
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
    this.#attempt++;
    return backoffDelayMs(this.#attempt, Math.random, this.initialMs, this.maxMs);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
