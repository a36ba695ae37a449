import { mkdir } from 'node:fs/promises';
import type { DescMessage } from '@bufbuild/protobuf';
import { join } from 'node:path';
import { createLogger, type FunctionClass, type Logger } from '@keyflow/sdk';
import { CheckpointArchive, type SnapshotProgress } from '../checkpoint/checkpoint-archive';
import type { CheckpointCoordinator, CheckpointResult, SavepointResult } from '../checkpoint/checkpoint-coordinator';
import { systemClock, type Clock } from '../clock/clock';
import { restoreBackend } from '../checkpoint/checkpoint-restorer';
import type { CheckpointStorage } from '../checkpoint/checkpoint-storage';
import { noteSavepointStart, savepointToRestore } from '../checkpoint/savepoint-start';
import { FolderCheckpointStorage } from '../checkpoint/folder-storage';
import type { Dispatcher, DispatcherStats } from '../dispatcher/dispatcher';
import type { Envelope } from '../message/envelope';
import { EgressBacklog, type EgressBacklogStats } from '../egress/egress-backlog';
import type { EgressRouter } from '../egress/egress-router';
import type { EgressSink } from '../egress/egress-sink';
import { EmbeddedFunctionEndpoint } from '../endpoints/embedded-endpoint';
import { EndpointRouter, type RoutedEndpoint } from '../endpoints/endpoint-router';
import type { SidecarProcess } from '../sidecar/sidecar-process';
import type { Ingress } from '../ingress/ingress';
import type { ModuleConfig } from '../config/module-config';
import { RuntimeDefaults } from '../config/runtime-defaults';
import type { Kind } from '../module/kinds/kind';
import { KindRegistry } from '../module/kinds/kind-registry';
import { AddressInspector } from '../inspect/address-inspector';
import { ValueViewer } from '../inspect/value-view';
import { RuntimeMetrics } from '../metrics/runtime-metrics';
import { NO_OBSERVER, type RuntimeObserver } from '../metrics/runtime-observer';
import type { EndpointStats } from '../metrics/runtime-sources';
import { MemoryBackend } from '../state/memory-backend';
import { RocksDbBackend } from '../state/rocksdb-backend';
import type { StateBackend } from '../state/state-backend';
import { CollectionSweeper } from '../state/collection-sweeper';
import type { TimerService } from '../timers/timer-service';
import { EgressBackpressure } from './egress-backpressure';
import { bindComponents, createEgresses, createEndpoints, createIngresses, createSidecars } from './module-components';
import { assembleRuntimeCore } from './runtime-core';
import type { FailurePolicy } from '../config/failure-policy';
import type { ParkedMessage } from '../dispatcher/parked-messages';
import { RuntimeTracing, type TracingOptions } from '../tracing/runtime-tracing';
import { RuntimeOwnership } from './runtime-ownership';

/** Options of {@link KeyflowRuntime.start}. */
export interface RuntimeOptions {
  /** What to run: endpoints, ingresses, egresses (from `loadModule`). */
  readonly module: ModuleConfig;
  /** A folder the runtime owns: RocksDB state, ingress logs. */
  readonly stateDir: string;
  /** `rocksdb` (default) or `memory` (tests; nothing survives a restart). */
  readonly stateBackend?: 'rocksdb' | 'memory';
  /** Milliseconds between checkpoints. Default 5,000; 0 disables periodic checkpoints. */
  readonly checkpointIntervalMs?: number;
  /** Where checkpoints are kept beyond the state folder (a folder or S3); without it they are local only. */
  readonly checkpointStorage?: CheckpointStorage;
  /** Full snapshot every this many checkpoints (incremental in between). Default 20. */
  readonly compactionInterval?: number;
  /** Complete checkpoints kept restorable in checkpoint storage. Default 3. */
  readonly retainCheckpoints?: number;
  /** Start from this savepoint (`file://…` or `s3://…`) instead of the state folder's last checkpoint. */
  readonly fromSavepoint?: string;
  /** Take the checkpoint location over from a runtime known to be gone, before its lease expires. */
  readonly takeOver?: boolean;
  readonly logger?: Logger;
  /** Messages queued or in flight at which ingresses are paused. Default 10,000. */
  readonly maxQueuedMessages?: number;
  /**
   * What to do with a batch that keeps failing (the function throws, its service answers with an
   * error or cannot be reached): send it again for `retryForMs`, then park the failing message and
   * go on (`park`, the default, after 60 s) or stop the runtime (`stop`). An endpoint's
   * `onFailure` in module.yaml overrides it for its functions.
   */
  readonly failurePolicy?: FailurePolicy;
  /**
   * Egress records held for slow sinks (not yet written; exactly-once: not yet committed) at
   * which processing and ingresses pause until they drain. Default 100,000.
   */
  readonly maxStagedEgressRecords?: number;
  /** The same bound in bytes of record values. Default 64 MiB. */
  readonly maxStagedEgressBytes?: number;
  /** Clean address states kept in memory. Default 100,000. */
  readonly stateCacheEntries?: number;
  /**
   * Milliseconds between sweeps that delete expired map entries, cleared map generations and
   * expired lists from storage (and so from checkpoints). Default 600,000; 0 disables them.
   */
  readonly collectionSweepIntervalMs?: number;
  /** Kinds of packages the module was loaded with (the connectors' `keyflowKinds`); the runtime's own are always there. */
  readonly kinds?: readonly Kind[];
  /** Function classes served in-process in addition to module.yaml's endpoints (tests, programs). */
  readonly functions?: readonly FunctionClass[];
  /** More ingresses and egresses built in code. */
  readonly ingresses?: readonly Ingress[];
  readonly egresses?: readonly EgressSink[];
  /** The time of delayed messages, state expiry and checkpoints; the machine's clock by default. */
  readonly clock?: Clock;
  /** Keep Prometheus metrics (the admin API's `/metrics`) and the console's history. Default true. */
  readonly metrics?: boolean;
  /** Protobuf message types whose stored values the console and `keyflow state` show decoded. */
  readonly protobufTypes?: readonly DescMessage[];
  /** Export OpenTelemetry traces of messages over OTLP (see {@link RuntimeTracing}). Off by default. */
  readonly tracing?: TracingOptions;
}

/** Counters for the admin endpoint and benchmarks. */
export interface RuntimeStats extends DispatcherStats {
  readonly lastCheckpointId: number;
  readonly pendingTimers: number;
  /** Egress records held for their sinks, their bytes, whether that backlog pauses input, and how often it did. */
  readonly egressBacklog: EgressBacklogStats;
}

/**
 * One Keyflow runtime: endpoints, dispatcher, state, timers, ingresses, egresses and
 * checkpoints, started from a module. On start it resumes from the last checkpoint in its
 * state folder; on {@link stop} it drains and takes a final checkpoint.
 *
 * @example
 * const runtime = await KeyflowRuntime.start({ module: await loadModule('module.yaml'), stateDir: '.keyflow' });
 * process.once('SIGTERM', () => void runtime.stop());
 */
export class KeyflowRuntime {
  #stopping: Promise<void> | undefined;
  #failure: Error | undefined;
  #tracing: RuntimeTracing = RuntimeTracing.OFF;
  readonly #failureListeners: ((error: Error) => void)[] = [];

  private constructor(
    readonly logger: Logger,
    private readonly backend: StateBackend,
    private readonly sidecars: readonly SidecarProcess[],
    private readonly router: EndpointRouter,
    private readonly egress: EgressRouter,
    private readonly timers: TimerService,
    private readonly dispatcher: Dispatcher,
    private readonly coordinator: CheckpointCoordinator,
    readonly ingresses: readonly Ingress[],
    private readonly savepointArchive: CheckpointArchive,
    private readonly ownership: RuntimeOwnership,
    /** The runtime's Prometheus metrics; undefined when started with `metrics: false`. */
    readonly metrics: RuntimeMetrics | undefined,
    private readonly sweeper: CollectionSweeper,
    /** Reads addresses' state, delayed messages and schedules for people (console, `keyflow state`). */
    readonly inspector: AddressInspector,
  ) {}

  /** Builds and starts a runtime; resolves once every ingress accepts input. */
  static async start(options: RuntimeOptions): Promise<KeyflowRuntime> {
    const logger = options.logger ?? createLogger({ fields: { component: 'keyflow-runtime' } });
    const clock = options.clock ?? systemClock;
    const now = (): number => clock.now();
    const began = now();
    await mkdir(options.stateDir, { recursive: true });
    const ownership = await RuntimeOwnership.acquire({ ...options, logger });
    // What to release if starting fails part of the way.
    const undo: (() => Promise<unknown>)[] = [() => ownership.release()];
    try {
      const backend =
        options.stateBackend === 'memory' ? new MemoryBackend() : await RocksDbBackend.open(join(options.stateDir, 'rocksdb'));
      undo.push(() => backend.close());
      const archive = ownership.storage ? new CheckpointArchive(ownership.storage) : undefined;
      const fromSavepoint = options.fromSavepoint === undefined ? undefined : await savepointToRestore(options.stateDir, backend, options.fromSavepoint, logger);
      // Recovery, step 1: the backend is brought to the checkpoint to start from; step 2 is the coordinator's.
      const restored = await restoreBackend(backend, { archive, fromSavepoint, logger });
      if (fromSavepoint !== undefined) await noteSavepointStart(options.stateDir, fromSavepoint);

      // Every component is built by its kind: sidecars first (endpoints may wait for them).
      const bound = bindComponents(options.module, KindRegistry.of(options.kinds));
      const sidecars = createSidecars(bound, { logger, sidecars: [] });
      undo.push(() => Promise.all(sidecars.map((sidecar) => sidecar.stop())));
      await Promise.all(sidecars.map((sidecar) => sidecar.start()));
      const context = { logger, sidecars };
      const router = new EndpointRouter([...createEndpoints(bound, context), ...inProcessEndpoints(options.functions, now)]);
      undo.push(() => router.close());

      const sinks: EgressSink[] = [...createEgresses(bound, context), ...(options.egresses ?? [])];
      const ingresses: Ingress[] = [...createIngresses(bound, context), ...(options.ingresses ?? [])];

      // Parts built before the runtime report fatal errors to it once it exists.
      let reportFailure: (error: Error) => void = () => undefined;
      const onFatal = (error: Error): void => reportFailure(error);
      // Metrics read the parts built below only when scraped, after start.
      const metrics = options.metrics === false ? undefined : new RuntimeMetrics({
        queuedMessages: () => dispatcher.stats().queuedMessages,
        activeAddresses: () => dispatcher.stats().activeAddresses,
        paused: () => dispatcher.paused,
        mailboxDepths: () => dispatcher.mailboxDepths(),
        pendingDelayedMessages: () => timers.size,
        parkedMessages: () => dispatcher.parked.size,
        pendingExactlyOnceEgress: () => egress.pendingCounts(),
        egressBacklog: () => egress.backlog.stats(),
        endpointStats: () => endpointStats(router),
        endpointDescriptions: () => router.all().map((endpoint) => endpoint.description),
        egresses: () => egress.describe(),
      });
      const observer: RuntimeObserver = metrics?.observer ?? NO_OBSERVER;
      const egressLimits = {
        maxRecords: options.maxStagedEgressRecords ?? RuntimeDefaults.MAX_STAGED_EGRESS_RECORDS,
        maxBytes: options.maxStagedEgressBytes ?? RuntimeDefaults.MAX_STAGED_EGRESS_BYTES,
      };
      const tracing = options.tracing === undefined ? RuntimeTracing.OFF : RuntimeTracing.start(options.tracing, logger);
      undo.push(() => tracing.shutdown());
      const { egress, timers, dispatcher, coordinator, state, specs, ...core } = assembleRuntimeCore({
        backend,
        tracing,
        targets: router,
        sinks,
        ingresses,
        logger,
        clock,
        onFatal,
        observer,
        egressBacklog: new EgressBacklog(egressLimits),
        stateDir: options.stateDir,
        archive,
        maxQueuedMessages: options.maxQueuedMessages,
        failurePolicy: options.failurePolicy,
        stateCacheEntries: options.stateCacheEntries,
        compactionInterval: options.compactionInterval,
        retainCheckpoints: options.retainCheckpoints,
      });
      const savepointArchive = archive ?? new CheckpointArchive(new FolderCheckpointStorage(join(options.stateDir, 'savepoints-root')));
      const sweeper = new CollectionSweeper(state.entries, (typename) => specs.get(typename), now);
      const runtime = new KeyflowRuntime(logger, backend, sidecars, router, egress, timers, dispatcher, coordinator, ingresses, savepointArchive, ownership, metrics, sweeper,
        new AddressInspector(state, specs, timers, new ValueViewer(options.protobufTypes)));
      reportFailure = (error) => runtime.#fail(error);
      runtime.#tracing = tracing;
      ownership.onLost(onFatal);
      new EgressBackpressure(egress, dispatcher, {
        limits: egressLimits,
        logger,
        clock: now,
        checkpoint: () => coordinator.checkpoint(),
        running: () => runtime.#stopping === undefined && runtime.#failure === undefined,
      });

      const recovered = await core.recover();
      if (restored.source === 'savepoint') {
        const newest = (await archive?.deltas())?.at(-1)?.checkpointId ?? 0;
        coordinator.startNewLineage(newest);
      }
      await core.start(recovered, (ingress) => undo.push(() => ingress.stop()));
      const interval = options.checkpointIntervalMs ?? RuntimeDefaults.CHECKPOINT_INTERVAL_MS;
      if (interval > 0) coordinator.start(interval);
      const sweepInterval = options.collectionSweepIntervalMs ?? RuntimeDefaults.COLLECTION_SWEEP_INTERVAL_MS;
      if (sweepInterval > 0) sweeper.start(sweepInterval, logger);

      observer.restored(now() - began);
      logger.info(recovered.checkpointId === 0 ? 'started fresh' : 'restored from checkpoint', {
        checkpointId: recovered.checkpointId,
        restoredFrom: restored.source,
        deltasApplied: restored.deltasApplied,
        snapshotEntries: restored.snapshotEntries,
        ...(restored.skipped.length > 0 ? { skippedDamagedCheckpoints: restored.skipped } : {}),
        checkpointStorage: archive?.storage.uri ?? 'none (local only)',
        messages: recovered.mailboxes.length,
        timers: recovered.timers.length,
        durationMs: now() - began,
        state: backend.description,
      });
      return runtime;
    } catch (error) {
      // Release what was taken before the failure: the RocksDB lock, processes, ports.
      for (const release of undo.reverse()) await release().catch(() => undefined);
      throw error;
    }
  }

  /** Delivers a message to a function, as an ingress would (tests and embedding programs). */
  send(envelope: Envelope): void {
    this.dispatcher.enqueue(envelope);
  }

  /** The messages parked after their invocation kept failing, oldest first (see `failurePolicy`). */
  parkedMessages(): ParkedMessage[] {
    return this.dispatcher.parked.list();
  }

  /** Delivers parked message `id` again, after its address's queued messages; undefined when there is none. */
  retryParkedMessage(id: number): ParkedMessage | undefined {
    return this.dispatcher.retryParked(id);
  }

  /** Deletes parked message `id` for good; undefined when there is none. */
  dropParkedMessage(id: number): ParkedMessage | undefined {
    return this.dispatcher.dropParked(id);
  }

  /** Resolves once no message is queued or in flight (delayed messages may still be pending). */
  whenIdle(): Promise<void> {
    return this.dispatcher.whenIdle();
  }

  /** Takes a checkpoint now. */
  checkpoint(): Promise<CheckpointResult> {
    return this.coordinator.checkpoint();
  }

  /**
   * Takes a savepoint: a checkpoint written as a self-contained full snapshot under
   * `savepoints/` of the checkpoint storage (or of the state folder without one). Restore it
   * with `fromSavepoint` / `keyflow run --from-savepoint <uri>`.
   */
  /** About how many bytes the state takes: the scale of a savepoint, for progress bars. */
  approximateStateBytes(): Promise<number> {
    return this.backend.approximateBytes();
  }

  savepoint(onProgress?: (progress: SnapshotProgress) => void): Promise<SavepointResult> {
    const name = `savepoints/savepoint-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    return this.coordinator.savepoint(this.savepointArchive, name, onProgress);
  }

  stats(): RuntimeStats {
    return {
      ...this.dispatcher.stats(),
      lastCheckpointId: this.coordinator.lastCheckpointId,
      pendingTimers: this.timers.size,
      egressBacklog: this.egress.backlog.stats(),
    };
  }

  /** The error that stopped processing, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Calls `listener` if processing stops on an error the runtime cannot recover from. */
  onFailure(listener: (error: Error) => void): void {
    if (this.#failure) listener(this.#failure);
    else this.#failureListeners.push(listener);
  }

  /**
   * Stops cleanly: ingresses stop accepting, queued work drains (up to `drainTimeoutMs`,
   * default 10 s; what is left stays in the checkpoint), a final checkpoint is taken and
   * everything is closed.
   */
  stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    // Released however stopping ends, so that the state folder and checkpoint location are free.
    this.#stopping ??= this.#stop(options.drainTimeoutMs ?? RuntimeDefaults.DRAIN_TIMEOUT_MS).finally(() => this.ownership.release());
    return this.#stopping;
  }

  async #stop(drainTimeoutMs: number): Promise<void> {
    for (const ingress of this.ingresses) await ingress.stop();
    this.timers.stop();
    await this.sweeper.stop();
    if (!this.#failure) {
      let timeout: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        this.dispatcher.whenIdle().then(() => true),
        new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), drainTimeoutMs))),
      ]);
      clearTimeout(timeout);
      if (!drained) this.logger.warn('stopping before all queued messages were processed; they stay in the checkpoint');
    }
    // A batch waiting to be sent again stays in flight, and so in the final checkpoint.
    this.dispatcher.stopRetries();
    await this.coordinator.stop();
    this.metrics?.close();
    if (!this.#failure) {
      await this.egress.flush();
      const result = await this.coordinator.checkpoint();
      this.logger.info('final checkpoint taken', { ...result });
    }
    await this.egress.close();
    await this.router.close();
    await Promise.all(this.sidecars.map((sidecar) => sidecar.stop()));
    await this.backend.close();
    await this.#tracing.shutdown();
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.logger.error('the runtime stopped processing; restart it to resume from the last checkpoint', { error });
    void this.coordinator.stop();
    void this.sweeper.stop();
    this.timers.stop();
    for (const listener of this.#failureListeners) listener(error);
  }
}

// Function classes passed in code, each served in-process under its own typename.
function inProcessEndpoints(functions: readonly FunctionClass[] | undefined, clock: () => number): RoutedEndpoint[] {
  if (!functions || functions.length === 0) return [];
  const endpoint = EmbeddedFunctionEndpoint.of(functions, 'in-process', clock);
  return endpoint.typenames.map((typename) => ({ functions: { kind: 'function', typename }, endpoint, maxBatchSize: RuntimeDefaults.MAX_BATCH_SIZE }));
}

// The stats of the endpoints that keep them, by description (a URL template: bounded, never an address).
function endpointStats(router: EndpointRouter): Map<string, EndpointStats> {
  const stats = new Map<string, EndpointStats>();
  for (const endpoint of router.all()) {
    const own = endpoint.stats?.();
    if (own !== undefined) stats.set(endpoint.description, own);
  }
  return stats;
}
