import type { Logger } from '@keyflow/sdk';
import type { Envelope } from '../message/envelope';
import type { PbAddress, PbTypedValue } from '@keyflow/sdk/protocol';
import type { BackendOp } from '../state/state-backend';
import type { RuntimeTracing } from '../tracing/runtime-tracing';

/** What the runtime gives an ingress. */
export interface IngressContext {
  /** Hands a message to the dispatcher. */
  enqueue(envelope: Envelope): void;
  /** True while the runtime asks ingresses to hold back (backpressure). */
  readonly paused: boolean;
  /** Calls `listener` when backpressure starts or ends. */
  onPressureChange(listener: (paused: boolean) => void): void;
  /** True when a function type has an endpoint. */
  servesFunction(typename: string): boolean;
  readonly logger: Logger;
  /** A folder this runtime owns, for the ingress's own files. */
  readonly stateDir: string;
  /** What this ingress stored through its checkpoints (and only that). */
  readonly store: IngressStore;
  readonly clock: () => number;
  /** Stops the runtime: the ingress met an error it cannot get past (e.g. a `fail` routing policy). */
  fail(error: Error): void;
  /**
   * The caller address to give the message of request `requestId`, so that the function's
   * answer (a message to its caller) comes back through {@link Ingress.receiveReply}.
   */
  callerAddress(requestId: string): PbAddress;
  /**
   * Asks for a commit soon (see {@link Ingress.receiveReply}): the runtime captures and commits
   * every part of its state, without waiting for the next periodic checkpoint, and then calls
   * {@link Ingress.checkpointCommitted}.
   */
  requestCommit(): void;
  /** Where an ingress starts the span of what comes in (see {@link RuntimeTracing.startIngress}); off unless tracing is on. */
  readonly tracing: RuntimeTracing;
}

/**
 * An ingress's own part of the state backend, read back at start: the entries its checkpoints
 * wrote ({@link IngressCheckpoint.ops}), under the keys it gave them. Other data is out of sight.
 */
export interface IngressStore {
  /** Every entry the ingress stored, in key order. */
  scan(): AsyncIterable<readonly [string, Uint8Array]>;
}

/** What an ingress contributes to a checkpoint, captured synchronously at its instant. */
export interface IngressCheckpoint {
  /** Where to resume: every input before it has been handed to the dispatcher. Opaque to the runtime. */
  readonly position: Uint8Array;
  /**
   * The ingress's own data to persist with the checkpoint (e.g. idempotency keys), keyed as the
   * ingress likes: the runtime keeps each ingress's keys apart from everything else.
   */
  readonly ops: readonly BackendOp[];
}

/** How an ingress is doing, for the admin API's `/health`. */
export interface IngressHealth {
  /** `degraded`: it cannot accept input now (e.g. its log's disk is full) and recovers by itself. */
  readonly status: 'ok' | 'degraded';
  /** Why it is degraded, with its `KF_…` code. */
  readonly reason?: string;
}

/**
 * A source of messages. The runtime restores it from the last checkpoint's position, asks
 * for its position at every checkpoint, and tells it when a checkpoint is durable so that it
 * can release input up to that position (commit offsets, truncate a log).
 */
export interface Ingress {
  /** The ingress typename. */
  readonly id: string;
  /** Resumes after `position` (undefined: first start) and begins accepting input. */
  start(context: IngressContext, position: Uint8Array | undefined): Promise<void>;
  /** The position and data of this instant. Must be synchronous. */
  checkpoint(): IngressCheckpoint;
  /** A checkpoint holding `position` is complete (in checkpoint storage too, when there is one): input before it may be released. */
  checkpointCommitted(position: Uint8Array): Promise<void>;
  /**
   * A local commit holding `position` is durable on this machine only (see
   * {@link IngressContext.requestCommit}); checkpoint storage gets it with the next checkpoint.
   * Input must not be released at its source yet: a restore from checkpoint storage would need it.
   */
  committedLocally?(position: Uint8Array): Promise<void>;
  /** Stops accepting input; what was accepted stays accepted. */
  stop(): Promise<void>;
  /** Its health, when it can be degraded without the runtime failing. */
  health?(): IngressHealth;
  /**
   * A function answered request `requestId` (sent a message to its {@link IngressContext.callerAddress}).
   * Called in the same synchronous step as the effects of the invocation that answered take
   * hold: an answer held until the next committed checkpoint is released only once those
   * effects are durable.
   */
  receiveReply?(requestId: string, value: PbTypedValue): void;
}
