/**
 * What the runtime's parts report as they work: the one seam between the dispatcher, the
 * checkpoint coordinator, the egress router and the runtime on one side and the metrics on the
 * other. Every label is bounded: a function type, an ingress or egress id — never an address.
 * Calls are cheap and never throw.
 */
export interface RuntimeObserver {
  /** An ingress handed a message to the dispatcher. */
  ingressReceived(ingress: string): void;
  /** A batch of `size` messages of `functionType` took effect, `durationMs` after it left its mailbox. */
  batchCompleted(functionType: string, size: number, durationMs: number): void;
  /** The endpoint of `functionType` answered one request after `durationMs`. */
  invocationAnswered(functionType: string, durationMs: number): void;
  /** A response of `functionType` sent messages, delayed messages and egress records. */
  responseApplied(functionType: string, messages: number, delayed: number, egress: number): void;
  /** An egress record was handed to the egress router. */
  egressEmitted(egress: string): void;
  /** Ingresses were asked to pause (`true`) or to go on (`false`). */
  backpressureChanged(paused: boolean): void;
  /** A checkpoint is durable. */
  checkpointCompleted(checkpoint: ObservedCheckpoint): void;
  /** A checkpoint could not be written; what it captured goes into the next one. */
  checkpointFailed(checkpointId: number, reason: string): void;
  /** The runtime finished restoring and starting, after `durationMs`. */
  restored(durationMs: number): void;
  /** A message of `functionType` was parked after its invocation kept failing. */
  messageParked(functionType: string): void;
}

/** What a finished checkpoint tells the observer. */
export interface ObservedCheckpoint {
  readonly checkpointId: number;
  readonly durationMs: number;
  /** Bytes written to checkpoint storage (0 without one). */
  readonly bytes: number;
  readonly addresses: number;
  readonly messages: number;
}

/** An observer that records nothing: the runtime with metrics turned off. */
export const NO_OBSERVER: RuntimeObserver = Object.freeze({
  ingressReceived: () => undefined,
  batchCompleted: () => undefined,
  invocationAnswered: () => undefined,
  responseApplied: () => undefined,
  egressEmitted: () => undefined,
  backpressureChanged: () => undefined,
  checkpointCompleted: () => undefined,
  checkpointFailed: () => undefined,
  restored: () => undefined,
  messageParked: () => undefined,
});
