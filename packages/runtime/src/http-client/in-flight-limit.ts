/**
 * At most `max` operations at once; the others wait in arrival order. Requests beyond the
 * connection pool's size wait here, cheaply, with no connection and no timer of their own.
 */
export class InFlightLimit {
  #active = 0;
  #waiting: (() => void)[] = [];
  #head = 0;

  constructor(readonly max: number) {}

  /** Resolves when the caller may start; undefined when it may start at once. */
  acquire(): Promise<void> | undefined {
    if (this.#active < this.max) {
      this.#active++;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Ends one operation and lets the longest-waiting caller start. */
  release(): void {
    const next = this.#waiting[this.#head];
    if (next === undefined) {
      this.#active--;
      return;
    }
    this.#waiting[this.#head++] = undefined as unknown as () => void;
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    next();
  }
}
