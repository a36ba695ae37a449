import { TimeoutSweep, type Expiring } from './timeout-sweep';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An item whose expiry time is recorded. */
function item(deadline: number): Expiring & { deadline: number; expiredAt: number | undefined } {
  return {
    deadline,
    expiredAt: undefined,
    expire() {
      this.expiredAt = performance.now();
    },
  };
}

describe('TimeoutSweep', () => {
  test('expires an item once its deadline has passed, at most a tick late, and only once', async () => {
    const sweep = new TimeoutSweep(5);
    const start = performance.now();
    const soon = item(start + 30);
    const later = item(start + 10_000);
    sweep.track(soon);
    sweep.track(later);
    await wait(80);
    expect(soon.expiredAt).toBeGreaterThanOrEqual(soon.deadline);
    expect(later.expiredAt).toBeUndefined();
    expect(sweep.size).toBe(1);
    sweep.untrack(later);
    expect(sweep.size).toBe(0);
  });

  test('never expires an item untracked in time', async () => {
    const sweep = new TimeoutSweep(5);
    const gone = item(performance.now() + 20);
    sweep.track(gone);
    sweep.untrack(gone);
    await wait(60);
    expect(gone.expiredAt).toBeUndefined();
  });

  test('follows a deadline that moves while the item is tracked', async () => {
    const sweep = new TimeoutSweep(5);
    const moving = item(performance.now() + 20);
    sweep.track(moving);
    moving.deadline = performance.now() + 100;
    await wait(50);
    expect(moving.expiredAt).toBeUndefined();
    await wait(100);
    expect(moving.expiredAt).toBeGreaterThanOrEqual(moving.deadline);
  });

  test('starts ticking again for items tracked after it went quiet', async () => {
    const sweep = new TimeoutSweep(5);
    const first = item(performance.now() + 10);
    sweep.track(first);
    await wait(40);
    expect(first.expiredAt).toBeDefined();
    const second = item(performance.now() + 10);
    sweep.track(second);
    await wait(40);
    expect(second.expiredAt).toBeDefined();
  });
});
