import type { IngressContext } from '@keyflow/runtime/kinds';

/**
 * Lets an ingress hold back while the runtime is under backpressure, instead of dropping or
 * piling up input: {@link wait} resolves when the pressure lifts, when the gate is closed
 * (the ingress stops), or after a while, so that the caller can keep its session alive.
 */
export class PressureGate {
  readonly #context: IngressContext;
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(context: IngressContext) {
    this.#context = context;
    context.onPressureChange((paused) => {
      if (!paused) this.#release();
    });
  }

  /** True when input may be handed over now. */
  get open(): boolean {
    return this.#closed || !this.#context.paused;
  }

  /** Waits until the gate opens, at most `maxWaitMs`. */
  wait(maxWaitMs: number): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      const waiters = this.#waiters;
      function done(): void {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Opens the gate for good: the ingress is stopping. */
  close(): void {
    this.#closed = true;
    this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}
