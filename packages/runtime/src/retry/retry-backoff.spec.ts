import { backoffDelayMs, INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from './retry-backoff';

describe('backoffDelayMs', () => {
  test('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    const lowest = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(attempt, () => 0));
    const highest = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelayMs(attempt, () => 1));
    expect(highest).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000]);
    expect(lowest).toEqual(highest.map((delay) => delay / 2));
    expect(highest[0]).toBe(INITIAL_BACKOFF_MS);
    expect(Math.max(...highest)).toBe(MAX_BACKOFF_MS);
  });

  test('stays within bounds for random jitter and huge attempt numbers', () => {
    for (let attempt = 1; attempt < 200; attempt++) {
      const delay = backoffDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(INITIAL_BACKOFF_MS / 2);
      expect(delay).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    }
  });
});
