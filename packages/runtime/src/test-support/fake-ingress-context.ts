import { silentLogger, type Logger } from '@keyflow/sdk';
import type { PbAddress } from '@keyflow/sdk/protocol';
import type { Envelope } from '../message/envelope';
import type { IngressContext, IngressStore } from '../ingress/ingress';
import { MemoryBackend } from '../state/memory-backend';
import type { StateBackend } from '../state/state-backend';
import { RuntimeTracing } from '../tracing/runtime-tracing';

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
  /** The ingress's store: the whole of `backend`, where a test writes an ingress's checkpoint ops as they are. */
  readonly store: IngressStore;
  readonly clock: () => number;
  /** How often the ingress asked for a commit. */
  commitsRequested = 0;
  readonly tracing = RuntimeTracing.OFF;

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
    const backend = options.backend ?? new MemoryBackend();
    this.store = { scan: () => backend.scan('') };
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

  callerAddress(requestId: string): PbAddress {
    return { namespace: 'keyflow.ingress', type: 'test', id: requestId };
  }

  requestCommit(): void {
    this.commitsRequested++;
  }
}
