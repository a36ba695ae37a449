import { silentLogger, type Logger } from '@keyflow/sdk';
import type { Envelope } from '../message/envelope';
import type { IngressContext } from '../ingress/ingress';
import { MemoryBackend } from '../state/memory-backend';
import type { StateBackend } from '../state/state-backend';

/**
 * An {@link IngressContext} that records what an ingress enqueues; `paused` and the served
 * function types are set by the test.
 */
export class FakeIngressContext implements IngressContext {
  readonly enqueued: Envelope[] = [];
  /** Errors the ingress reported through `fail`. */
  readonly failures: Error[] = [];
  readonly served: Set<string>;
  paused = false;
  readonly pressureListeners: ((paused: boolean) => void)[] = [];
  readonly logger: Logger;
  readonly backend: StateBackend;
  readonly clock: () => number;

  constructor(
    readonly stateDir: string,
    options: {
      served?: readonly string[];
      backend?: StateBackend;
      clock?: () => number;
      logger?: Logger;
    } = {},
  ) {
    this.served = new Set(options.served ?? []);
    this.backend = options.backend ?? new MemoryBackend();
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
  }

  enqueue(envelope: Envelope): void {
    this.enqueued.push(envelope);
  }

  onPressureChange(listener: (paused: boolean) => void): void {
    this.pressureListeners.push(listener);
  }

  servesFunction(typename: string): boolean {
    return this.served.has(typename);
  }

  fail(error: Error): void {
    this.failures.push(error);
  }
}
