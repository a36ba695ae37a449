import { KeyflowError, describeError, isKeyflowError, type Logger } from '@keyflow/sdk';
import type { PbAddress, PbEffectCounts, PbFromFunction, PbInvocationResponse, PbValueSpec } from '@keyflow/sdk/protocol';
import { RuntimeDefaults } from '../config/runtime-defaults';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { EgressRecord } from '../egress/egress-record';
import type { AddressState } from '../state/address-state';
import { CollectionBatch } from '../state/collection-batch';
import { gatherCollections } from '../state/collection-gathering';
import type { StateSpecRegistry } from '../state/state-spec-registry';
import type { StateStore } from '../state/state-store';
import type { TimerService } from '../timers/timer-service';
import { addressKey, describeAddress } from '../message/address-key';
import { NO_OBSERVER, type RuntimeObserver } from '../metrics/runtime-observer';
import type { MailboxDepth } from '../metrics/runtime-sources';
import { prepareBatch, type PreparedBatch } from './batch-request';
import type { DispatchTarget, DispatchTargets } from '../endpoints/dispatch-target';
import type { Envelope } from '../message/envelope';
import { IngressCallers } from '../ingress/ingress-callers';
import type { RuntimeTracing, TracedStep } from '../tracing/runtime-tracing';
import { EffectOwners } from '../tracing/effect-owners';
import { inRecordedTrace, withTraceParent } from '../tracing/trace-parent';
import { DEFAULT_FAILURE_POLICY, isInvocationFailure, retryDelayMs, type FailurePolicy } from '../config/failure-policy';
import { Mailbox } from './mailbox';
import { ParkedMessages, type ParkedMessage } from './parked-messages';
import { applyStateMutations } from './state-mutations';

/** How often a batch may be answered with missing state before the runtime gives up. */
const MAX_STATE_NEGOTIATIONS = 5;

/** What an empty FromFunction means. */
const NO_EFFECTS: PbInvocationResponse = Object.freeze({ stateMutations: [], outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] });

/**
 * After this long of uninterrupted work, mailboxes pause until the event loop has run once.
 * In-process functions answer through promises alone, so without a pause a busy runtime would
 * never leave the microtask queue: no timer (checkpoints, delayed messages), no socket (HTTP
 * ingress, admin API) and no signal would be served.
 */
const YIELD_AFTER_MS = 5;

/**
 * Once paused by the global bound, ingress resumes when the queue has fallen to this share of
 * it: ingresses then hand over a burst rather than one message per resume.
 */
const RESUME_AT_SHARE = 0.9;

/**
 * Mailboxes that ran empty are kept for their address's next message (an address that received
 * one usually receives more) until this many are idle; then the idle ones are dropped together.
 */
const MAX_IDLE_MAILBOXES = 20_000;

/** What the dispatcher works with. */
export interface DispatcherDependencies {
  readonly targets: DispatchTargets;
  readonly state: StateStore;
  readonly specs: StateSpecRegistry;
  readonly timers: TimerService;
  /** Validates that an egress exists; called before a response is applied. */
  readonly hasEgress: (egress: string) => boolean;
  /** Takes an egress record; must not throw for an egress `hasEgress` accepted. */
  readonly emitEgress: (record: EgressRecord) => void;
  readonly logger: Logger;
  /** Called once when processing must stop: the runtime cannot go on safely. */
  readonly onFatal: (error: Error) => void;
  readonly clock?: () => number;
  /**
   * Messages queued or in flight, over all addresses, at which ingress pauses (default 10,000);
   * it resumes once they are down to 90 % of it.
   */
  readonly maxQueuedMessages?: number;
  /** Where batches, calls and what responses sent are reported (metrics). */
  readonly observer?: RuntimeObserver;
  /** What to do with a batch that keeps failing, unless its function type's target says (default {@link DEFAULT_FAILURE_POLICY}). */
  readonly failurePolicy?: FailurePolicy;
  /** Where messages to ingress caller addresses (answers to ingress requests) go; without it they are refused. */
  readonly callers?: IngressCallers;
  /** Spans of invocations in recorded traces, whose context their messages and records carry on; none by default. */
  readonly tracing?: RuntimeTracing;
}

/** One batch of one mailbox on its way to the endpoint. */
interface BatchCall {
  readonly mailbox: Mailbox;
  readonly target: DispatchTarget;
  readonly batch: readonly Envelope[];
  /** 1 for the first send; raised each time the endpoint asks for missing state. */
  attempt: number;
  /** `performance.now()` when the batch left its mailbox. */
  readonly started: number;
  /** The batch's list and map state, entry by entry, when the endpoint takes state backings. */
  collections?: CollectionBatch | undefined;
  /** Failed sends so far, and `performance.now()` of the first. */
  failures: number;
  firstFailedAt: number;
  /** A message of a failed batch sent alone to find the failing one: parked at its first failure. */
  readonly isolated: boolean;
  /** The span of each invocation whose message is in a recorded trace (aligned with `batch`), started at its first send; undefined when none is. */
  spans?: (TracedStep | undefined)[] | undefined;
}

/** Counters for metrics and benchmarks. */
export interface DispatcherStats {
  readonly queuedMessages: number;
  readonly activeAddresses: number;
  readonly batches: number;
  readonly invocations: number;
  readonly paused: boolean;
}

/**
 * Routes messages to function instances with StateFun's semantics: per address, one batch in
 * flight at a time and messages processed in arrival order; whatever arrives meanwhile is sent
 * as the next batch (at most the endpoint's `maxNumBatchRequests`). A response's state
 * mutations, messages, delayed messages and egress records are applied together, in one
 * synchronous step, so a checkpoint sees all of them or none.
 */
export class Dispatcher {
  readonly #deps: DispatcherDependencies;
  readonly #observer: RuntimeObserver;
  readonly #clock: () => number;
  readonly #maxQueued: number;
  readonly #resumeAt: number;
  readonly #mailboxes = new Map<string, Mailbox>();
  /** Mailboxes in {@link #mailboxes} with nothing queued or in flight. */
  #idleMailboxes = 0;
  readonly #targets = new Map<string, DispatchTarget>();
  readonly #overfull = new Set<string>();
  /** Mailboxes with messages to send and no batch in flight, in the order they became so. */
  #runnable: (Mailbox | undefined)[] = [];
  #runnableHead = 0;
  /** Whether {@link #pump} is idle, scheduled to run, or running. */
  #pumpState: 'idle' | 'scheduled' | 'running' = 'idle';
  readonly #pressureListeners: ((paused: boolean) => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #queued = 0;
  #paused = false;
  /** True while egress records wait for slow sinks beyond their bound: no batch is sent. */
  #egressBacklogged = false;
  #failure: Error | undefined;
  /** Messages whose invocation kept failing, put aside (see {@link FailurePolicy}). */
  readonly parked = new ParkedMessages();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #stopped = false;
  #batches = 0;
  #invocations = 0;
  #sliceStarted = performance.now();

  constructor(deps: DispatcherDependencies) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#observer = deps.observer ?? NO_OBSERVER;
    this.#maxQueued = deps.maxQueuedMessages ?? RuntimeDefaults.MAX_QUEUED_MESSAGES;
    this.#resumeAt = Math.floor(this.#maxQueued * RESUME_AT_SHARE);
  }

  /** Queues a message for its target. Messages are never dropped while the runtime is healthy. */
  enqueue(envelope: Envelope): void {
    if (this.#failure) return;
    if (IngressCallers.isCaller(envelope.target)) {
      this.#deps.callers?.deliver(envelope.target, envelope.argument);
      return;
    }
    const key = addressKey(envelope.target);
    let mailbox = this.#mailboxes.get(key);
    if (!mailbox) {
      mailbox = new Mailbox(key, envelope.target);
      this.#mailboxes.set(key, mailbox);
    } else if (!mailbox.active && !mailbox.inFlight && mailbox.pendingCount === 0) {
      this.#idleMailboxes--;
    }
    mailbox.push(envelope);
    this.#queued++;
    this.#trackOverfull(mailbox);
    this.#updatePressure();
    if (!mailbox.active) this.#makeRunnable(mailbox);
  }

  /** True while ingresses should not accept more work. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Holds processing while egress records wait for slow sinks beyond their bound (`true`), and
   * goes on once they drained (`false`). While held, no batch is sent (those in flight complete)
   * and ingresses are paused, so that a slow egress holds up the input instead of filling memory.
   */
  setEgressBacklogged(backlogged: boolean): void {
    if (backlogged === this.#egressBacklogged) return;
    this.#egressBacklogged = backlogged;
    this.#updatePressure();
    if (!backlogged && this.#pumpState === 'idle' && this.#runnableHead < this.#runnable.length) {
      this.#pumpState = 'scheduled';
      queueMicrotask(() => this.#pump());
    }
  }

  /** True while processing is held for egress (see {@link setEgressBacklogged}). */
  get egressBacklogged(): boolean {
    return this.#egressBacklogged;
  }

  /** Calls `listener` whenever the dispatcher starts or stops asking ingresses to pause. */
  onPressureChange(listener: (paused: boolean) => void): void {
    this.#pressureListeners.push(listener);
  }

  /** Resolves once no message is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.#queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Every message not yet fully processed: per address, the batch in flight and then the
   * waiting ones. Taken synchronously, at one instant, by a checkpoint.
   */
  snapshot(): Envelope[] {
    const envelopes: Envelope[] = [];
    for (const mailbox of this.#mailboxes.values()) {
      if (mailbox.inFlight || mailbox.pendingCount > 0) envelopes.push(...mailbox.snapshot());
    }
    return envelopes;
  }

  stats(): DispatcherStats {
    return {
      queuedMessages: this.#queued,
      activeAddresses: this.#mailboxes.size - this.#idleMailboxes,
      batches: this.#batches,
      invocations: this.#invocations,
      paused: this.#paused,
    };
  }

  /** Per function type with messages queued or in flight: how many, at how many addresses, the deepest mailbox. */
  mailboxDepths(): Map<string, MailboxDepth> {
    const depths = new Map<string, { queued: number; addresses: number; deepest: number }>();
    for (const mailbox of this.#mailboxes.values()) {
      const count = mailbox.pendingCount + (mailbox.inFlight?.length ?? 0);
      if (count === 0) continue;
      const depth = depths.get(mailbox.typename);
      if (depth === undefined) depths.set(mailbox.typename, { queued: count, addresses: 1, deepest: count });
      else {
        depth.queued += count;
        depth.addresses++;
        depth.deepest = Math.max(depth.deepest, count);
      }
    }
    return depths;
  }

  /** The error that stopped the dispatcher, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /**
   * Queues a mailbox to be driven. The pump runs at the end of the current synchronous step,
   * so that a burst of messages for one address (an ingress poll, a fan-out) travels as one batch.
   */
  #makeRunnable(mailbox: Mailbox): void {
    mailbox.active = true;
    this.#runnable.push(mailbox);
    if (this.#pumpState === 'idle') {
      this.#pumpState = 'scheduled';
      queueMicrotask(() => this.#pump());
    }
  }

  /** Drives runnable mailboxes in turn until none is left or this slice of work ran long. */
  #pump(): void {
    this.#pumpState = 'running';
    while (this.#runnableHead < this.#runnable.length) {
      if (this.#egressBacklogged) {
        // The runnable mailboxes stay queued; setEgressBacklogged(false) pumps them.
        this.#pumpState = 'idle';
        return;
      }
      if (this.#sliceIsOver()) {
        this.#pumpState = 'scheduled';
        setImmediate(() => {
          this.#sliceStarted = performance.now();
          this.#pump();
        });
        return;
      }
      const mailbox = this.#runnable[this.#runnableHead] as Mailbox;
      this.#runnable[this.#runnableHead++] = undefined; // not kept alive by the consumed front
      this.#drive(mailbox);
      if (this.#runnableHead > 1_024 && this.#runnableHead * 2 > this.#runnable.length) {
        // Under a steady stream the queue never runs empty: drop the consumed front.
        this.#runnable = this.#runnable.slice(this.#runnableHead);
        this.#runnableHead = 0;
      }
    }
    this.#runnable = [];
    this.#runnableHead = 0;
    this.#pumpState = 'idle';
  }

  /** True after {@link YIELD_AFTER_MS} of work without the event loop having turned. */
  #sliceIsOver(): boolean {
    return performance.now() - this.#sliceStarted >= YIELD_AFTER_MS;
  }

  /**
   * Sends the mailbox's batches one after another until it is empty. Batches that are answered
   * synchronously (in-process functions) are handled in this very call; one that must wait (a
   * state load, a remote call) makes the mailbox runnable again when it completes, and a slice
   * of work that ran long puts it back at the end of the run queue.
   */
  #drive(mailbox: Mailbox): void {
    try {
      while (mailbox.pendingCount > 0 && !this.#failure) {
        const call = this.#nextCall(mailbox);
        // Waiting for an answer, or handed to the failure policy: it makes the mailbox runnable again.
        if (this.#attempt(call) !== 'done') return;
        this.#completed(call);
        if (mailbox.pendingCount > 0 && (this.#egressBacklogged || this.#sliceIsOver())) {
          this.#makeRunnable(mailbox);
          return;
        }
      }
      this.#finish(mailbox);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * A batch failed: it is sent again after a pause until its function type's policy gives up;
   * then a batch of several goes back to the mailbox to be sent one message at a time, and a
   * single message is parked (or the runtime stops, by policy). Until then the batch stays in
   * flight, so a checkpoint holds it.
   */
  #callFailed(call: BatchCall, thrown: unknown): void {
    if (this.#failure || this.#stopped) return;
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    if (!isInvocationFailure(error)) return this.#fail(error);
    const policy = call.target.failurePolicy ?? this.#deps.failurePolicy ?? DEFAULT_FAILURE_POLICY;
    const now = performance.now();
    if (call.failures++ === 0) call.firstFailedAt = now;
    const { mailbox } = call;
    if (!call.isolated && now - call.firstFailedAt < policy.retryForMs) {
      const delay = Math.min(retryDelayMs(call.failures), Math.max(0, call.firstFailedAt + policy.retryForMs - now));
      // Warned once per batch (its first failure, with how long it is retried); each further attempt at debug level.
      const details = {
        function: mailbox.typename,
        address: describeAddress(mailbox.address),
        messages: call.batch.length,
        attempt: call.failures,
        retryInMs: delay,
        error: describeError(error),
      };
      if (call.failures === 1) this.#deps.logger.warn(`a batch failed; sending it again with growing pauses for up to ${policy.retryForMs} ms`, details);
      else this.#deps.logger.debug('a batch failed again; sending it again', details);
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        this.#resend(call);
      }, delay);
      this.#retryTimers.add(timer);
      return;
    }
    for (const span of call.spans ?? []) span?.end(error);
    if (policy.then === 'stop') return this.#fail(error);
    mailbox.inFlight = undefined;
    if (call.batch.length > 1) {
      // Which message fails? Each goes alone now; the one that fails again is parked.
      mailbox.returnToFront(call.batch);
      mailbox.isolating = Math.max(mailbox.isolating, call.batch.length);
      mailbox.isolatedAfterAttempts = call.failures;
      this.#makeRunnable(mailbox);
      return;
    }
    const envelope = call.batch[0] as Envelope;
    const attempts = call.failures + (call.isolated ? mailbox.isolatedAfterAttempts : 0);
    const parked = this.parked.add(envelope, { errorCode: isKeyflowError(error) ? error.code : undefined, error: describeError(error), attempts }, this.#clock());
    this.#deps.logger.error('parked a message whose invocation kept failing; the address goes on with its next message (keyflow messages list)', {
      function: mailbox.typename,
      address: describeAddress(mailbox.address),
      parkedId: parked.id,
      attempts,
      error: describeError(error),
    });
    this.#observer.messageParked(mailbox.typename);
    this.#completed(call);
    this.#makeRunnable(mailbox);
  }

  /**
   * Sends a batch: 'done' when it was answered and applied in this very call; a promise that
   * settles once it is (completing the call and making its mailbox runnable) or once its failure
   * went to the failure policy; 'failed' when it failed at once (handed to the policy).
   */
  #attempt(call: BatchCall): Promise<void> | 'done' | 'failed' {
    if (call.attempt === 1 && call.failures === 0) call.spans = this.#deps.tracing?.startInvocations(call.mailbox.address, call.batch);
    let pending: Promise<void> | undefined;
    try {
      pending = this.#invoke(call);
    } catch (error) {
      this.#callFailed(call, error);
      return 'failed';
    }
    if (!pending) return 'done';
    return pending.then(
      () => {
        this.#completed(call);
        this.#makeRunnable(call.mailbox);
      },
      (error: unknown) => this.#callFailed(call, error),
    );
  }

  /** Sends a failed batch again, as it was. */
  #resend(call: BatchCall): void {
    if (this.#failure || this.#stopped) return;
    call.attempt = 1;
    if (this.#attempt(call) === 'done') {
      this.#completed(call);
      this.#makeRunnable(call.mailbox);
    }
  }

  /**
   * Puts parked message `id` back at the end of its address's mailbox; undefined when there is
   * none, or when processing stopped (the message stays parked).
   */
  retryParked(id: number): ParkedMessage | undefined {
    if (this.#failure) return undefined;
    const parked = this.parked.take(id);
    if (parked) this.enqueue(parked.envelope);
    return parked;
  }

  /** Deletes parked message `id` for good; undefined when there is none. */
  dropParked(id: number): ParkedMessage | undefined {
    const parked = this.parked.take(id);
    if (parked) {
      this.#deps.logger.warn('dropped a parked message on request', {
        parkedId: id,
        function: `${parked.envelope.target.namespace}/${parked.envelope.target.type}`,
        address: describeAddress(parked.envelope.target),
      });
    }
    return parked;
  }

  /** No batch is sent again after this (the runtime stops; what is in flight stays in the checkpoint). */
  stopRetries(): void {
    this.#stopped = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
  }

  /** Takes the next batch of a mailbox and marks it in flight. */
  #nextCall(mailbox: Mailbox): BatchCall {
    const target = this.#targetFor(mailbox.typename);
    const isolated = mailbox.isolating > 0;
    const max = isolated ? 1 : target.maxBatchSize;
    // A message in a recorded trace goes alone, unless the endpoint says which invocation caused
    // which effect: otherwise its batch's effects could not be told apart.
    const alone = this.#deps.tracing?.enabled === true && target.endpoint.reportsInvocationEffects !== true;
    const batch = mailbox.take(alone ? mailbox.batchLength(max, inRecordedTrace) : max);
    if (isolated) mailbox.isolating--;
    mailbox.inFlight = batch;
    this.#trackOverfull(mailbox);
    // Taking a batch may bring the mailbox back under its cap: resume ingress now, not only
    // once this batch is answered.
    this.#updatePressure();
    return { mailbox, target, batch, attempt: 1, started: performance.now(), failures: 0, firstFailedAt: 0, isolated };
  }

  #completed(call: BatchCall): void {
    call.mailbox.inFlight = undefined;
    this.#queued -= call.batch.length;
    this.#batches++;
    this.#invocations += call.batch.length;
    this.#observer.batchCompleted(call.mailbox.typename, call.batch.length, performance.now() - call.started);
    this.#updatePressure();
  }

  #finish(mailbox: Mailbox): void {
    mailbox.active = false;
    if (!mailbox.inFlight && mailbox.pendingCount === 0 && ++this.#idleMailboxes > MAX_IDLE_MAILBOXES) {
      this.#dropIdleMailboxes();
    }
    if (this.#queued === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #dropIdleMailboxes(): void {
    for (const [key, mailbox] of this.#mailboxes) {
      if (!mailbox.active && !mailbox.inFlight && mailbox.pendingCount === 0) this.#mailboxes.delete(key);
    }
    this.#idleMailboxes = 0;
  }

  /** Sends a batch with its state and handles the answer; a promise only when it must wait. */
  #invoke(call: BatchCall): Promise<void> | undefined {
    const cached = this.#deps.state.peek(call.mailbox.key);
    if (cached !== undefined) return this.#invokeWith(call, cached);
    return this.#deps.state.load(call.mailbox.key).then((state) => this.#invokeWith(call, state));
  }

  #invokeWith(call: BatchCall, state: AddressState | null): Promise<void> | undefined {
    const specs = this.#deps.specs.get(call.mailbox.typename);
    if (!call.target.endpoint.takesStateBackings) {
      // Lists and maps travel whole: those stored entry by entry (the function ran embedded) move back.
      const whole = gatherCollections(this.#deps.state, call.mailbox.key, specs, state);
      if (whole instanceof Promise) return whole.then((gathered) => this.#send(call, specs, gathered));
      return this.#send(call, specs, whole);
    }
    // Lists and maps stay in storage, entry by entry; the function gets backings that read them.
    const opened = CollectionBatch.open(this.#deps.state, call.mailbox.key, specs, state, this.#clock());
    if (opened instanceof Promise) return opened.then((collections) => this.#send(call, specs, collections.addressState, collections));
    return this.#send(call, specs, opened ? opened.addressState : state, opened);
  }

  #send(call: BatchCall, specs: readonly PbValueSpec[], state: AddressState | null, collections?: CollectionBatch): Promise<void> | undefined {
    call.collections = collections;
    const prepared = prepareBatch(call.mailbox.address, specs, state, call.batch, this.#clock());
    const sent = performance.now();
    const response = call.target.endpoint.invoke(prepared.request, collections);
    if (response instanceof Promise) {
      return response.then((answered) => {
        this.#observer.invocationAnswered(call.mailbox.typename, performance.now() - sent);
        return this.#handle(call, specs, state, prepared, answered);
      });
    }
    this.#observer.invocationAnswered(call.mailbox.typename, performance.now() - sent);
    return this.#handle(call, specs, state, prepared, response);
  }

  /** Applies a result, or registers missing state specs and sends the batch again. */
  #handle(
    call: BatchCall,
    specs: readonly PbValueSpec[],
    state: AddressState | null,
    prepared: PreparedBatch,
    response: PbFromFunction,
  ): Promise<void> | undefined {
    if (this.#failure) return undefined;
    const { mailbox, target } = call;
    // An empty FromFunction is a batch without effects, as StateFun reads it: the official
    // Python SDK answers a batch that changed nothing that way.
    if (response.kind === 'invocationResult' || response.kind === 'empty') {
      const effects = response.kind === 'empty' ? NO_EFFECTS : response.result;
      this.#apply(mailbox, specs, state, prepared, effects, call.collections, call.spans, response.kind === 'empty' ? undefined : response.invocationEffects);
      return undefined;
    }
    if (call.attempt >= MAX_STATE_NEGOTIATIONS) {
      throw new KeyflowError(
        RuntimeErrorCodes.STATE_NEGOTIATION_FAILED,
        `${mailbox.typename} at ${target.endpoint.description} still reports missing state (${response.missingValues.map((spec) => spec.stateName).join(', ')}) after ${call.attempt} attempts.`,
      );
    }
    this.#deps.specs.register(mailbox.typename, response.missingValues);
    this.#deps.logger.debug('registered state specs', {
      function: mailbox.typename,
      states: response.missingValues.map((spec) => spec.stateName),
    });
    call.attempt++;
    return this.#invoke(call);
  }

  /** Applies a response's effects in one synchronous step, after validating all of them. */
  #apply(
    mailbox: Mailbox,
    specs: readonly PbValueSpec[],
    state: AddressState | null,
    prepared: PreparedBatch,
    result: PbInvocationResponse,
    collections: CollectionBatch | undefined,
    spans: readonly (TracedStep | undefined)[] | undefined,
    effectStarts: readonly PbEffectCounts[] | undefined,
  ): void {
    const self = mailbox.address;
    for (const outgoing of result.outgoingMessages) {
      if (!outgoing.target || !outgoing.argument) throw this.#invalid(self, 'has a message without target or argument');
      this.#checkTarget(self, outgoing.target);
    }
    for (const delayed of result.delayedInvocations) {
      if (delayed.isCancellationRequest) {
        if (delayed.cancellationToken === '') throw this.#invalid(self, 'cancels a delayed message without a token');
      } else {
        if (!delayed.target || !delayed.argument) throw this.#invalid(self, 'has a delayed message without target or argument');
        this.#checkTarget(self, delayed.target);
      }
    }
    for (const egress of result.outgoingEgresses) {
      const name = `${egress.egressNamespace}/${egress.egressType}`;
      if (!egress.argument) throw this.#invalid(self, `has an egress record for ${name} without a value`);
      if (!this.#deps.hasEgress(name)) {
        throw new KeyflowError(
          RuntimeErrorCodes.UNKNOWN_EGRESS,
          `The response for ${describeAddress(self)} sends to egress ${name}, which module.yaml does not declare.`,
        );
      }
    }

    // The batch leaves the mailbox in the same synchronous step as its effects take hold, so
    // that a checkpoint never holds both the batch and its effects (recovery would run it twice).
    mailbox.inFlight = undefined;
    const now = this.#clock();
    const inPlace = this.#deps.state.ownsLive(mailbox.key, state);
    const next = applyStateMutations(state, specs, result.stateMutations, prepared.expired, now, inPlace);
    if (next !== undefined) this.#deps.state.write(mailbox.key, next);
    collections?.apply();
    // In a recorded trace, what an invocation causes carries its span's context.
    const spanOf = spans === undefined ? undefined : (kind: keyof PbEffectCounts) => {
      const owners = new EffectOwners(effectStarts, kind);
      return (index: number): TracedStep | undefined => spans[owners.of(index)];
    };
    const messageSpan = spanOf?.('messages');
    for (let index = 0; index < result.outgoingMessages.length; index++) {
      const outgoing = result.outgoingMessages[index] as (typeof result.outgoingMessages)[number];
      const envelope: Envelope = { target: outgoing.target!, argument: outgoing.argument!, caller: self };
      const span = messageSpan?.(index);
      this.enqueue(span === undefined ? envelope : { ...envelope, headers: withTraceParent(undefined, span.parent) });
    }
    const delayedSpan = spanOf?.('delayed');
    for (let index = 0; index < result.delayedInvocations.length; index++) {
      const delayed = result.delayedInvocations[index] as (typeof result.delayedInvocations)[number];
      const span = delayedSpan?.(index);
      if (delayed.isCancellationRequest) {
        this.#deps.timers.cancel(mailbox.key, delayed.cancellationToken);
      } else {
        const envelope: Envelope = { target: delayed.target!, argument: delayed.argument!, caller: self };
        const traced = span === undefined ? envelope : { ...envelope, headers: withTraceParent(undefined, span.parent) };
        this.#deps.timers.schedule(mailbox.key, delayed.cancellationToken, traced, now + Math.max(0, delayed.delayInMs));
      }
    }
    const egressSpan = spanOf?.('egress');
    for (let index = 0; index < result.outgoingEgresses.length; index++) {
      const egress = result.outgoingEgresses[index] as (typeof result.outgoingEgresses)[number];
      const egressId = `${egress.egressNamespace}/${egress.egressType}`;
      const span = egressSpan?.(index);
      if (span === undefined) {
        this.#deps.emitEgress({ egress: egressId, value: egress.argument! });
      } else {
        this.#deps.emitEgress({ egress: egressId, value: egress.argument!, trace: span.parent });
        span.recordEgress(egressId);
      }
    }
    for (const span of spans ?? []) span?.end();
    this.#observer.responseApplied(mailbox.typename, result.outgoingMessages.length, result.delayedInvocations.length, result.outgoingEgresses.length);
  }

  /** Throws unless a message can go to `target`: a function some endpoint serves, or an ingress caller. */
  #checkTarget(self: PbAddress, target: PbAddress): void {
    if (!IngressCallers.isCaller(target)) {
      this.#targetFor(`${target.namespace}/${target.type}`);
      return;
    }
    const sender = `The response for ${describeAddress(self)}`;
    if (!this.#deps.callers) {
      throw new KeyflowError(RuntimeErrorCodes.UNKNOWN_INGRESS_CALLER, `${sender} sends to ingress caller ${describeAddress(target)}, but this runtime has no ingress that takes replies.`);
    }
    this.#deps.callers.check(target, sender);
  }

  #targetFor(typename: string): DispatchTarget {
    let target = this.#targets.get(typename);
    if (!target) {
      target = this.#deps.targets.targetFor(typename);
      this.#targets.set(typename, target);
    }
    return target;
  }

  #trackOverfull(mailbox: Mailbox): void {
    if (mailbox.maxBatchSize === undefined) mailbox.maxBatchSize = this.#targets.get(mailbox.typename)?.maxBatchSize;
    if (mailbox.pendingCount > (mailbox.maxBatchSize ?? Infinity)) this.#overfull.add(mailbox.key);
    else if (this.#overfull.size > 0) this.#overfull.delete(mailbox.key);
  }

  #updatePressure(): void {
    const overBound = this.#paused ? this.#queued > this.#resumeAt : this.#queued >= this.#maxQueued;
    const paused = overBound || this.#overfull.size > 0 || this.#egressBacklogged;
    if (paused === this.#paused) return;
    this.#paused = paused;
    for (const listener of this.#pressureListeners) listener(paused);
  }

  #invalid(self: PbAddress, problem: string): KeyflowError {
    return new KeyflowError(RuntimeErrorCodes.ENDPOINT_FAILED, `The response for ${describeAddress(self)} ${problem}.`);
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#deps.logger.error('dispatcher stopped: processing cannot continue safely', { error });
    this.#deps.onFatal(error);
  }
}
