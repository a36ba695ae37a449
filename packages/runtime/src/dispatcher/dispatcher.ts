import { KeyflowError, type Logger } from '@keyflow/sdk';
import type { PbInvocationResponse, PbValueSpec } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { EgressRecord } from '../egress/egress-record';
import type { AddressState } from '../state/address-state';
import type { StateSpecRegistry } from '../state/state-spec-registry';
import type { StateStore } from '../state/state-store';
import type { TimerService } from '../timers/timer-service';
import { addressKey, describeAddress, typenameOfKey } from './address-key';
import { prepareBatch, type PreparedBatch } from './batch-request';
import type { DispatchTarget, DispatchTargets } from './dispatch-target';
import type { Envelope } from './envelope';
import { Mailbox } from './mailbox';
import { applyStateMutations } from './state-mutations';

/** How often a batch may be answered with missing state before the runtime gives up. */
const MAX_STATE_NEGOTIATIONS = 5;

/**
 * After this long of uninterrupted work, mailboxes pause until the event loop has run once.
 * In-process functions answer through promises alone, so without a pause a busy runtime would
 * never leave the microtask queue: no timer (checkpoints, delayed messages), no socket (HTTP
 * ingress, admin API) and no signal would be served.
 */
const YIELD_AFTER_MS = 5;

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
  /** Messages queued or in flight, over all addresses, at which ingress pauses. Default 10,000. */
  readonly maxQueuedMessages?: number;
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
  readonly #clock: () => number;
  readonly #maxQueued: number;
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #targets = new Map<string, DispatchTarget>();
  readonly #overfull = new Set<string>();
  /** Mailboxes with a batch in flight or being prepared. */
  readonly #running = new Set<Mailbox>();
  /** Mailboxes that received messages in the current synchronous step and start at its end. */
  readonly #ready = new Set<Mailbox>();
  readonly #pressureListeners: ((paused: boolean) => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #queued = 0;
  #paused = false;
  #failure: Error | undefined;
  #batches = 0;
  #invocations = 0;
  #sliceStarted = performance.now();
  #yielding: Promise<void> | undefined;

  constructor(deps: DispatcherDependencies) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#maxQueued = deps.maxQueuedMessages ?? 10_000;
  }

  /** Queues a message for its target. Messages are never dropped while the runtime is healthy. */
  enqueue(envelope: Envelope): void {
    if (this.#failure) return;
    const key = addressKey(envelope.target);
    let mailbox = this.#mailboxes.get(key);
    if (!mailbox) {
      mailbox = new Mailbox(key, envelope.target);
      this.#mailboxes.set(key, mailbox);
    }
    mailbox.push(envelope);
    this.#queued++;
    this.#trackOverfull(mailbox);
    this.#updatePressure();
    if (!mailbox.inFlight && !this.#running.has(mailbox) && !this.#ready.has(mailbox)) {
      // Start at the end of the current synchronous step, so that a burst of messages for
      // one address (an ingress poll, a fan-out) travels as one batch.
      this.#ready.add(mailbox);
      if (this.#ready.size === 1) queueMicrotask(() => this.#startReady());
    }
  }

  #startReady(): void {
    const ready = [...this.#ready];
    this.#ready.clear();
    for (const mailbox of ready) this.#start(mailbox);
  }

  /** True while ingresses should not accept more work. */
  get paused(): boolean {
    return this.#paused;
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
    for (const mailbox of this.#mailboxes.values()) envelopes.push(...mailbox.snapshot());
    return envelopes;
  }

  stats(): DispatcherStats {
    return {
      queuedMessages: this.#queued,
      activeAddresses: this.#mailboxes.size,
      batches: this.#batches,
      invocations: this.#invocations,
      paused: this.#paused,
    };
  }

  /** The error that stopped the dispatcher, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  #start(mailbox: Mailbox): void {
    this.#running.add(mailbox);
    this.#run(mailbox).then(
      () => this.#finish(mailbox),
      (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  async #run(mailbox: Mailbox): Promise<void> {
    const typename = typenameOfKey(mailbox.key);
    const target = this.#targetFor(typename);
    while (mailbox.pendingCount > 0 && !this.#failure) {
      // Checked before each batch, and again after each pause: many mailboxes wake together.
      for (let pause = this.#pauseIfBusy(); pause; pause = this.#pauseIfBusy()) await pause;
      if (mailbox.pendingCount === 0 || this.#failure) break;
      const batch = mailbox.take(target.maxBatchSize);
      mailbox.inFlight = batch;
      this.#trackOverfull(mailbox);
      // Taking a batch may bring the mailbox back under its cap: resume ingress now, not only
      // once this batch is answered.
      this.#updatePressure();
      await this.#invoke(mailbox, typename, target, batch);
      mailbox.inFlight = undefined;
      this.#queued -= batch.length;
      this.#batches++;
      this.#invocations += batch.length;
      this.#updatePressure();
    }
  }

  /** A promise that resolves after the event loop has turned, when this slice of work ran long. */
  #pauseIfBusy(): Promise<void> | undefined {
    if (this.#yielding) return this.#yielding;
    if (performance.now() - this.#sliceStarted < YIELD_AFTER_MS) return undefined;
    this.#yielding = new Promise((resolve) =>
      setImmediate(() => {
        this.#yielding = undefined;
        this.#sliceStarted = performance.now();
        resolve();
      }),
    );
    return this.#yielding;
  }

  #finish(mailbox: Mailbox): void {
    this.#running.delete(mailbox);
    if (mailbox.pendingCount > 0 && !this.#failure) {
      this.#start(mailbox);
      return;
    }
    if (!mailbox.inFlight) this.#mailboxes.delete(mailbox.key);
    if (this.#queued === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  async #invoke(mailbox: Mailbox, typename: string, target: DispatchTarget, batch: readonly Envelope[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const cached = this.#deps.state.peek(mailbox.key);
      const state = cached !== undefined ? cached : await this.#deps.state.load(mailbox.key);
      const specs = this.#deps.specs.get(typename);
      const prepared = prepareBatch(mailbox.address, specs, state, batch, this.#clock());
      const response = await target.endpoint.invoke(prepared.request);
      if (this.#failure) return;
      if (response.kind === 'invocationResult') {
        this.#apply(mailbox, specs, state, prepared, response.result);
        return;
      }
      if (response.kind === 'empty') {
        throw new KeyflowError(
          RuntimeErrorCodes.ENDPOINT_FAILED,
          `${target.endpoint.description} answered the batch for ${describeAddress(mailbox.address)} with an empty FromFunction message.`,
        );
      }
      if (attempt >= MAX_STATE_NEGOTIATIONS) {
        throw new KeyflowError(
          RuntimeErrorCodes.STATE_NEGOTIATION_FAILED,
          `${typename} at ${target.endpoint.description} still reports missing state (${response.missingValues.map((spec) => spec.stateName).join(', ')}) after ${attempt} attempts.`,
        );
      }
      this.#deps.specs.register(typename, response.missingValues);
      this.#deps.logger.debug('registered state specs', {
        function: typename,
        states: response.missingValues.map((spec) => spec.stateName),
      });
    }
  }

  /** Applies a response's effects in one synchronous step, after validating all of them. */
  #apply(
    mailbox: Mailbox,
    specs: readonly PbValueSpec[],
    state: AddressState | null,
    prepared: PreparedBatch,
    result: PbInvocationResponse,
  ): void {
    const self = mailbox.address;
    const where = (): string => `the response for ${describeAddress(self)}`;
    const messages: Envelope[] = [];
    for (const outgoing of result.outgoingMessages) {
      if (!outgoing.target || !outgoing.argument) throw this.#invalid(`${where()} has a message without target or argument`);
      this.#targetFor(`${outgoing.target.namespace}/${outgoing.target.type}`);
      messages.push({ target: outgoing.target, argument: outgoing.argument, caller: self });
    }
    for (const delayed of result.delayedInvocations) {
      if (delayed.isCancellationRequest) {
        if (delayed.cancellationToken === '') throw this.#invalid(`${where()} cancels a delayed message without a token`);
      } else {
        if (!delayed.target || !delayed.argument) throw this.#invalid(`${where()} has a delayed message without target or argument`);
        this.#targetFor(`${delayed.target.namespace}/${delayed.target.type}`);
      }
    }
    for (const egress of result.outgoingEgresses) {
      const name = `${egress.egressNamespace}/${egress.egressType}`;
      if (!egress.argument) throw this.#invalid(`${where()} has an egress record for ${name} without a value`);
      if (!this.#deps.hasEgress(name)) {
        throw new KeyflowError(
          RuntimeErrorCodes.UNKNOWN_EGRESS,
          `${where()} sends to egress ${name}, which module.yaml does not declare.`,
        );
      }
    }

    // The batch leaves the mailbox in the same synchronous step as its effects take hold, so
    // that a checkpoint never holds both the batch and its effects (recovery would run it twice).
    mailbox.inFlight = undefined;
    const now = this.#clock();
    const next = applyStateMutations(state, specs, result.stateMutations, prepared.expired, now);
    if (next !== undefined) this.#deps.state.write(mailbox.key, next);
    for (const envelope of messages) this.enqueue(envelope);
    for (const delayed of result.delayedInvocations) {
      if (delayed.isCancellationRequest) {
        this.#deps.timers.cancel(mailbox.key, delayed.cancellationToken);
      } else {
        const envelope: Envelope = { target: delayed.target!, argument: delayed.argument!, caller: self };
        this.#deps.timers.schedule(mailbox.key, delayed.cancellationToken, envelope, now + Math.max(0, delayed.delayInMs));
      }
    }
    for (const egress of result.outgoingEgresses) {
      this.#deps.emitEgress({ egress: `${egress.egressNamespace}/${egress.egressType}`, value: egress.argument! });
    }
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
    if (mailbox.maxBatchSize === undefined) mailbox.maxBatchSize = this.#targets.get(typenameOfKey(mailbox.key))?.maxBatchSize;
    if (mailbox.pendingCount > (mailbox.maxBatchSize ?? Infinity)) this.#overfull.add(mailbox.key);
    else if (this.#overfull.size > 0) this.#overfull.delete(mailbox.key);
  }

  #updatePressure(): void {
    const paused = this.#queued >= this.#maxQueued || this.#overfull.size > 0;
    if (paused === this.#paused) return;
    this.#paused = paused;
    for (const listener of this.#pressureListeners) listener(paused);
  }

  #invalid(message: string): KeyflowError {
    return new KeyflowError(RuntimeErrorCodes.ENDPOINT_FAILED, `${message}.`);
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#deps.logger.error('dispatcher stopped: processing cannot continue safely', { error });
    this.#deps.onFatal(error);
  }
}
