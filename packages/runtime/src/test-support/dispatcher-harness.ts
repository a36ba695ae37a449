import { silentLogger, type Logger } from '@keyflow/sdk';
import type { FailurePolicy } from '../config/failure-policy';
import { Dispatcher } from '../dispatcher/dispatcher';
import type { Envelope } from '../message/envelope';
import type { EgressRecord } from '../egress/egress-record';
import { StateSpecRegistry } from '../state/state-spec-registry';
import { StateStore } from '../state/state-store';
import { TimerService } from '../timers/timer-service';
import { ControllableBackend } from './controllable-backend';
import { FakeClock } from './fake-clock';
import { FakeDispatchTargets } from './fake-dispatch-targets';
import { FakeFunctionEndpoint } from './fake-function-endpoint';

/** Options of {@link dispatcherHarness}. */
export interface DispatcherHarnessOptions {
  /** Function typenames served, each by its own fake endpoint, with its batch cap (default 1000). */
  readonly functions?: Readonly<Record<string, number>>;
  /** Declared egress typenames. */
  readonly egresses?: readonly string[];
  readonly maxQueuedMessages?: number;
  readonly clock?: FakeClock;
  /** The backend under the state store; a new one by default. Pass one to build a second runtime on it. */
  readonly backend?: ControllableBackend;
  /** Where egress records go besides {@link DispatcherHarness.egress} (e.g. an EgressRouter); it also decides which egresses exist. */
  readonly egressRouter?: { has(egress: string): boolean; emit(record: EgressRecord): void };
  readonly logger?: Logger;
  /** Default: stop at the first failure, so that a test sees it at once (the runtime's default retries and parks). */
  readonly failurePolicy?: FailurePolicy;
}

/** A dispatcher on fakes of its dependencies, with everything it does recorded. */
export interface DispatcherHarness {
  readonly dispatcher: Dispatcher;
  readonly backend: ControllableBackend;
  readonly state: StateStore;
  readonly specs: StateSpecRegistry;
  /** Not started: scheduled messages stay pending for inspection. */
  readonly timers: TimerService;
  readonly targets: FakeDispatchTargets;
  readonly clock: FakeClock;
  /** Egress records emitted, in order. */
  readonly egress: EgressRecord[];
  /** Errors passed to `onFatal`. */
  readonly fatal: Error[];
  /** Messages timers delivered (only when a test starts `timers`). */
  readonly timerDeliveries: Envelope[];
  /** The fake endpoint of a function typename. */
  endpoint(typename: string): FakeFunctionEndpoint;
}

/**
 * Builds a {@link Dispatcher} over a memory backend, a fake clock and one
 * {@link FakeFunctionEndpoint} per function typename.
 *
 * @example
 * const h = dispatcherHarness({ functions: { 'test/counter': 1000 }, egresses: ['test/out'] });
 * h.dispatcher.enqueue(envelope(address('test/counter', 'a'), 'hello'));
 * await h.dispatcher.whenIdle();
 * expect(h.endpoint('test/counter').requests).toHaveLength(1);
 */
export function dispatcherHarness(options: DispatcherHarnessOptions = {}): DispatcherHarness {
  const clock = options.clock ?? new FakeClock();
  const backend = options.backend ?? new ControllableBackend();
  const state = new StateStore(backend);
  const specs = new StateSpecRegistry();
  const timerDeliveries: Envelope[] = [];
  const timers = new TimerService((delivered) => timerDeliveries.push(delivered), clock.clock);
  const targets = new FakeDispatchTargets();
  const endpoints = new Map<string, FakeFunctionEndpoint>();
  for (const [typename, maxBatchSize] of Object.entries(options.functions ?? {})) {
    const endpoint = new FakeFunctionEndpoint(`fake:${typename}`);
    endpoints.set(typename, endpoint);
    targets.add(typename, endpoint, maxBatchSize);
  }
  const egresses = new Set(options.egresses ?? []);
  const egress: EgressRecord[] = [];
  const fatal: Error[] = [];
  const dispatcher = new Dispatcher({
    targets,
    state,
    specs,
    timers,
    hasEgress: (id) => egresses.has(id) || options.egressRouter?.has(id) === true,
    emitEgress: (record) => {
      egress.push(record);
      options.egressRouter?.emit(record);
    },
    logger: options.logger ?? silentLogger,
    onFatal: (error) => fatal.push(error),
    clock: clock.read,
    ...(options.maxQueuedMessages === undefined ? {} : { maxQueuedMessages: options.maxQueuedMessages }),
    failurePolicy: options.failurePolicy ?? { retryForMs: 0, then: 'stop' },
  });
  return {
    dispatcher,
    backend,
    state,
    specs,
    timers,
    targets,
    clock,
    egress,
    fatal,
    timerDeliveries,
    endpoint(typename) {
      const endpoint = endpoints.get(typename);
      if (!endpoint) throw new Error(`the harness serves no ${typename}`);
      return endpoint;
    },
  };
}
