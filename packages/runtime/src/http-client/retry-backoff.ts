/** The first delay between two attempts of a function call. */
export const INITIAL_BACKOFF_MS = 50;
/** The longest delay between two attempts of a function call. */
export const MAX_BACKOFF_MS = 2_000;

/**
 * How long to wait after failed attempt number `attempt` (1-based): exponential from
 * {@link INITIAL_BACKOFF_MS}, capped at {@link MAX_BACKOFF_MS}, with "equal jitter" (between half
 * and all of the exponential delay) so that callers failing together do not retry together.
 *
 * @example
 * backoffDelayMs(1) // 25..50
 * backoffDelayMs(3) // 100..200
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
