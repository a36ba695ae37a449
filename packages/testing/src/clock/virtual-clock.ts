import type { Clock, ClockTimer } from '@keyflow/runtime/testing';

interface VirtualTimer {
  readonly dueAt: number;
  /** Creation order: timers due at one time fire in the order they were set. */
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * Time that moves only when told. The runtime's timers set on it fire when the kit moves the
 * time past them, one due time after another, so a year of delayed messages takes no waiting.
 */
export class VirtualClock implements Clock {
  #now: number;
  #timers: VirtualTimer[] = [];
  #order = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer: VirtualTimer = { dueAt: this.#now + Math.max(0, delayMs), order: this.#order++, callback, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** The due time of the earliest timer, if any is set. */
  nextDueAt(): number | undefined {
    return this.#earliest()?.dueAt;
  }

  /** Moves the time to the earliest timer's due time (never back) and fires it. */
  fireNext(): void {
    const next = this.#earliest();
    if (!next) return;
    this.#timers = this.#timers.filter((timer) => timer !== next);
    this.#now = Math.max(this.#now, next.dueAt);
    next.callback();
  }

  /** Moves the time to `time` without firing anything (never back). */
  moveTo(time: number): void {
    this.#now = Math.max(this.#now, time);
  }

  #earliest(): VirtualTimer | undefined {
    this.#timers = this.#timers.filter((timer) => !timer.cancelled);
    let earliest: VirtualTimer | undefined;
    for (const timer of this.#timers) {
      if (!earliest || timer.dueAt < earliest.dueAt || (timer.dueAt === earliest.dueAt && timer.order < earliest.order)) earliest = timer;
    }
    return earliest;
  }
}
