import type { Logger } from '@keyflow/sdk';
import { MAP_STATE_TYPENAME, type PbAddress, type PbTypedValue } from '@keyflow/sdk/protocol';
import type { CheckpointArchive } from '../checkpoint/checkpoint-archive';
import { CheckpointCoordinator, type RecoveredCheckpoint } from '../checkpoint/checkpoint-coordinator';
import type { Clock } from '../clock/clock';
import { RuntimeDefaults } from '../config/runtime-defaults';
import { readCollectionsWhole } from '../state/collection-gathering';
import { isExpired } from '../state/time-to-live';
import { Dispatcher } from '../dispatcher/dispatcher';
import type { DispatchTargets } from '../endpoints/dispatch-target';
import type { EgressBacklog } from '../egress/egress-backlog';
import { EgressRouter } from '../egress/egress-router';
import type { EgressSink } from '../egress/egress-sink';
import type { Ingress, IngressContext } from '../ingress/ingress';
import { IngressCallers } from '../ingress/ingress-callers';
import { RuntimeTracing } from '../tracing/runtime-tracing';
import { addressKey } from '../message/address-key';
import { NO_OBSERVER, type RuntimeObserver } from '../metrics/runtime-observer';
import { ingressDataPrefix, scanRegion } from '../state/keyspace';
import type { StateBackend } from '../state/state-backend';
import { StateSpecRegistry } from '../state/state-spec-registry';
import { StateStore } from '../state/state-store';
import type { FailurePolicy } from '../config/failure-policy';
import { TimerService } from '../timers/timer-service';

/** What {@link assembleRuntimeCore} builds the processing core from. */
export interface RuntimeCoreOptions {
  /** Holds the last committed checkpoint; the core resumes from it in {@link RuntimeCore.recover}. */
  readonly backend: StateBackend;
  /** The endpoint of each function type. */
  readonly targets: DispatchTargets & { serves(typename: string): boolean };
  readonly sinks: readonly EgressSink[];
  readonly ingresses: readonly Ingress[];
  readonly logger: Logger;
  readonly clock: Clock;
  /** Called once when processing must stop (a failed egress write, a function that keeps failing, …). */
  readonly onFatal: (error: Error) => void;
  /** Told what happens, for metrics; nothing by default. */
  readonly observer?: RuntimeObserver | undefined;
  /** Bounds the egress records held for slow sinks; the runtime's default bound by default. */
  readonly egressBacklog?: EgressBacklog | undefined;
  /** A folder the ingresses may keep their own files in. */
  readonly stateDir: string;
  readonly archive?: CheckpointArchive | undefined;
  readonly maxQueuedMessages?: number | undefined;
  /** What to do with batches that keep failing; see {@link FailurePolicy}. */
  readonly failurePolicy?: FailurePolicy | undefined;
  readonly stateCacheEntries?: number | undefined;
  readonly compactionInterval?: number | undefined;
  readonly retainCheckpoints?: number | undefined;
  /** Spans of messages in recorded traces; none by default. */
  readonly tracing?: RuntimeTracing | undefined;
}

/**
 * The processing core of a runtime, wired as {@link KeyflowRuntime} runs it: state store,
 * timers, dispatcher, egress router and checkpoint coordinator over one backend. The runtime
 * adds ownership, sidecars and the module's components around it; the test kit runs it on a
 * virtual clock.
 */
export interface RuntimeCore {
  readonly state: StateStore;
  readonly specs: StateSpecRegistry;
  readonly timers: TimerService;
  readonly dispatcher: Dispatcher;
  readonly egress: EgressRouter;
  readonly coordinator: CheckpointCoordinator;
  /** Recovery, first step: hands every participant its part of the last committed checkpoint. */
  recover(): Promise<RecoveredCheckpoint>;
  /**
   * Recovery, last step: starts each ingress from its position in `recovered` (it replays what
   * it accepted after it), then the timers. `starting` is told of each ingress before its start.
   */
  start(recovered: RecoveredCheckpoint, starting?: (ingress: Ingress) => void): Promise<void>;
  /**
   * The state values of `address` as its function would get them in its next batch: written
   * ones, also those not yet checkpointed, without those whose expiry has passed.
   */
  readState(address: PbAddress): Promise<ReadonlyMap<string, PbTypedValue>>;
}

/** Builds a {@link RuntimeCore}; nothing runs until its `recover`. */
export function assembleRuntimeCore(options: RuntimeCoreOptions): RuntimeCore {
  const { backend, clock, logger, onFatal } = options;
  const observer = options.observer ?? NO_OBSERVER;
  const now = (): number => clock.now();
  const egress = options.egressBacklog
    ? new EgressRouter(options.sinks, logger, onFatal, observer, options.egressBacklog)
    : new EgressRouter(options.sinks, logger, onFatal, observer);
  const state = new StateStore(backend, { cacheEntries: options.stateCacheEntries ?? RuntimeDefaults.STATE_CACHE_ENTRIES });
  const specs = new StateSpecRegistry();
  const timers = new TimerService((envelope) => dispatcher.enqueue(envelope), clock);
  const callers = new IngressCallers(options.ingresses, logger);
  const tracing = options.tracing ?? RuntimeTracing.OFF;
  const dispatcher = new Dispatcher({
    callers,
    tracing,
    targets: options.targets,
    state,
    specs,
    timers,
    hasEgress: (id) => egress.has(id),
    emitEgress: (record) => egress.emit(record),
    logger,
    onFatal,
    clock: now,
    observer,
    ...(options.maxQueuedMessages === undefined ? {} : { maxQueuedMessages: options.maxQueuedMessages }),
    ...(options.failurePolicy === undefined ? {} : { failurePolicy: options.failurePolicy }),
  });
  dispatcher.onPressureChange((paused) => observer.backpressureChanged(paused));
  const coordinator = new CheckpointCoordinator({
    backend,
    state,
    timers,
    dispatcher,
    ingresses: options.ingresses,
    egress,
    logger,
    clock: now,
    observer,
    ...(options.archive ? { archive: options.archive } : {}),
    ...(options.compactionInterval === undefined ? {} : { compactionInterval: options.compactionInterval }),
    ...(options.retainCheckpoints === undefined ? {} : { retain: options.retainCheckpoints }),
  });
  return {
    state,
    specs,
    timers,
    dispatcher,
    egress,
    coordinator,
    recover: () => coordinator.recover(),
    async readState(address) {
      const key = addressKey(address);
      const declared = specs.get(`${address.namespace}/${address.type}`);
      const entries = await readCollectionsWhole(state, key, declared);
      const stored = new Map([...((await state.load(key)) ?? []), ...entries]);
      const visible = new Map<string, PbTypedValue>();
      for (const [name, value] of stored) {
        const spec = declared.find((known) => known.stateName === name);
        // A map stored entry by entry expires entry by entry (the decoder drops expired entries), not as a whole.
        const perEntry = entries.has(name) && value.typename === MAP_STATE_TYPENAME;
        if (spec && !perEntry && isExpired(spec, value, clock.now())) continue;
        visible.set(name, { typename: value.typename, hasValue: true, value: value.value });
      }
      return visible;
    },
    async start(recovered, starting) {
      for (const ingress of options.ingresses) {
        starting?.(ingress);
        const context = ingressContext(ingress.id, { dispatcher, coordinator, targets: options.targets, backend, stateDir: options.stateDir, logger, clock: now, fail: onFatal, observer, tracing });
        await ingress.start(context, recovered.ingressPositions.get(ingress.id));
      }
      timers.start();
    },
  };
}

/** What {@link ingressContext} builds each ingress's context from. */
interface IngressContextParts {
  readonly dispatcher: Dispatcher;
  readonly coordinator: CheckpointCoordinator;
  readonly targets: { serves(typename: string): boolean };
  readonly backend: StateBackend;
  readonly stateDir: string;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly fail: (error: Error) => void;
  readonly observer: RuntimeObserver;
  readonly tracing: RuntimeTracing;
}

// Each ingress gets its own context: it sees its own region of the backend, nothing else.
function ingressContext(ingressId: string, parts: IngressContextParts): IngressContext {
  const { dispatcher, coordinator, targets, backend, observer } = parts;
  return {
    enqueue: (envelope) => {
      observer.ingressReceived(ingressId);
      dispatcher.enqueue(envelope);
    },
    get paused() {
      return dispatcher.paused;
    },
    onPressureChange: (listener) => dispatcher.onPressureChange(listener),
    servesFunction: (typename) => targets.serves(typename),
    logger: parts.logger,
    stateDir: parts.stateDir,
    store: { scan: () => scanRegion(backend, ingressDataPrefix(ingressId)) },
    clock: parts.clock,
    fail: parts.fail,
    callerAddress: (requestId) => IngressCallers.address(ingressId, requestId),
    requestCommit: () => coordinator.requestCommit(),
    tracing: parts.tracing,
  };
}
