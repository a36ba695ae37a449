/**
 * A clock that moves only when told, for expiration, timers and checkpoints.
 *
 * @example
 * const clock = new FakeClock();
 * const dispatcher = new Dispatcher({ ...deps, clock: clock.read });
 * clock.advance(1_000);
 */
export class FakeClock {
  #now: number;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current time; bound, so it can be passed as a `() => number` clock. */
  readonly read = (): number => this.#now;

  get now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
