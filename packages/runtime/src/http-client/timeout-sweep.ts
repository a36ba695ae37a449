/** Something with a deadline, on the clock of `performance.now()`. */
export interface Expiring {
  /** When it expires; it may move while tracked. */
  readonly deadline: number;
  /** Called once, when the deadline has passed; it is no longer tracked then. */
  expire(): void;
}

/**
 * Expires tracked items once their deadline has passed, checking them all every `tickMs` while
 * any are tracked: one timer for every request in flight instead of a timer per request and
 * phase. An item expires at most `tickMs` late; tracking and moving a deadline cost no timer.
 *
 * @example
 * const sweep = new TimeoutSweep(10);
 * sweep.track(attempt); // attempt.expire() runs once performance.now() >= attempt.deadline
 * sweep.untrack(attempt);
 */
export class TimeoutSweep {
  readonly #tracked = new Set<Expiring>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;

  constructor(readonly tickMs: number) {}

  track(item: Expiring): void {
    this.#tracked.add(item);
    if (this.#ticking) return;
    this.#ticking = true;
    if (this.#timer === undefined) {
      // Unreferenced: what keeps the process alive is the sockets, not their deadlines.
      this.#timer = setTimeout(this.#sweep, this.tickMs).unref();
    } else {
      this.#timer.refresh();
    }
  }

  untrack(item: Expiring): void {
    this.#tracked.delete(item);
  }

  /** How many items are tracked. */
  get size(): number {
    return this.#tracked.size;
  }

  readonly #sweep = (): void => {
    const now = performance.now();
    for (const item of this.#tracked) {
      if (item.deadline > now) continue;
      this.#tracked.delete(item);
      item.expire();
    }
    this.#ticking = this.#tracked.size > 0;
    if (this.#ticking) this.#timer?.refresh();
  };
}
