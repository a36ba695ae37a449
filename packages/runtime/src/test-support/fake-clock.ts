import type { Clock } from '../clock/clock';

interface FakeTimer {
  readonly dueAt: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told, for expiration, timers and checkpoints. Timers set
 * through {@link clock} fire, in due order, when {@link advance} passes their time.
 *
 * @example
 * const clock = new FakeClock();
 * const dispatcher = new Dispatcher({ ...deps, clock: clock.read });
 * const timers = new TimerService(deliver, clock.clock);
 * clock.advance(1_000);
 */
export class FakeClock {
  #now: number;
  #timers: FakeTimer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current time; bound, so it can be passed as a `() => number` clock. */
  readonly read = (): number => this.#now;

  /** This clock as the runtime's {@link Clock}. */
  readonly clock: Clock = {
    now: () => this.#now,
    setTimer: (callback, delayMs) => {
      const timer: FakeTimer = { dueAt: this.#now + delayMs, callback, cancelled: false };
      this.#timers.push(timer);
      return { cancel: () => void (timer.cancelled = true) };
    },
  };

  get now(): number {
    return this.#now;
  }

  /** Moves the time on by `ms`, firing the timers due by then in due order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (let next = this.#earliest(until); next; next = this.#earliest(until)) {
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = Math.max(this.#now, next.dueAt);
      next.callback();
    }
    this.#now = until;
  }

  #earliest(until: number): FakeTimer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    return this.#timers.filter((timer) => timer.dueAt <= until).sort((a, b) => a.dueAt - b.dueAt)[0];
  }
}
