/**
 * A gate that callers wait on: open (waiters pass at once), closed (they wait until it opens),
 * or failed for good (they are rejected). Starts closed.
 *
 * @example
 * const gate = new ReadinessGate();
 * void gate.wait().then(send);
 * gate.open(); // `send` runs
 */
export class ReadinessGate {
  private promise!: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  private state: 'closed' | 'open' | 'failed' = 'closed';

  constructor() {
    this.reset();
  }

  /** True while waiters pass at once. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Resolves when the gate is open; rejects once it has failed. */
  wait(): Promise<void> {
    return this.promise;
  }

  /** Lets current and future waiters through. */
  open(): void {
    if (this.state !== 'closed') return;
    this.state = 'open';
    this.resolve();
  }

  /** Makes future waiters wait again (after `open`). */
  close(): void {
    if (this.state === 'open') this.reset();
  }

  /** Rejects current and future waiters with `error`, for good. */
  fail(error: Error): void {
    if (this.state === 'failed') return;
    if (this.state === 'open') this.reset();
    this.state = 'failed';
    this.reject(error);
  }

  private reset(): void {
    this.state = 'closed';
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be waiting when the gate fails: that is not an unhandled rejection.
    this.promise.catch(() => undefined);
  }
}
