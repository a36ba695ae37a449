/** A timer started with {@link Clock.setTimer}. */
export interface ClockTimer {
  /** Stops the timer; a no-op once it fired. */
  cancel(): void;
}

/**
 * The runtime's time: what time it is, and callbacks after a delay on that same time. The
 * runtime reads all of its time (delayed messages, state expiry, checkpoint timestamps)
 * through one, so that a test kit can run it on virtual time that moves only when told.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `callback` once, `delayMs` milliseconds of this clock's time from now. The timer
   * does not keep the process alive.
   */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
}

/** The machine's clock: `Date.now` and Node's timers (unref'd). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timeout = setTimeout(callback, delayMs);
    timeout.unref();
    return { cancel: () => clearTimeout(timeout) };
  },
};
