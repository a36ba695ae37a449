// Plain-object shapes of StateFun's request-reply messages, as the codecs in this folder read
// and write them. `Pb` marks a wire object, as opposed to the sdk's user-facing types.

/** `io.statefun.sdk.reqreply.Address`. */
export interface PbAddress {
  namespace: string;
  type: string;
  id: string;
}

/** `io.statefun.sdk.reqreply.TypedValue`. */
export interface PbTypedValue {
  typename: string;
  hasValue: boolean;
  value: Uint8Array;
}

/** `ToFunction.PersistedValue`: one state value attached to a request. */
export interface PbPersistedValue {
  stateName: string;
  stateValue: PbTypedValue | undefined;
}

/**
 * One header of a Kafka record, as the maintained StateFun line (kzmlabs/flink-statefun, PR #264)
 * carries it: `TypedValue.Metadata` of an invocation's argument, `KafkaProducerRecord.Header`
 * of an egress record (both `{ string key = 1; bytes value = 2; bool has_value = 3; }`). Kafka
 * allows a key more than once, so headers are always a list in record order. `value` is null
 * for Kafka's null header value (`has_value` false), as distinct from an empty one.
 */
export interface PbHeader {
  key: string;
  value: Uint8Array | null;
}

/** Field number of `metadata` in `TypedValue`, and of `headers` in `KafkaProducerRecord`. */
export const PB_HEADERS_FIELD = 4;

/**
 * Keyflow's earlier field for headers (`repeated io.keyflow.sdk.Header`, no null values) in
 * `ToFunction.Invocation` and `KafkaProducerRecord`: no longer written, still read for one release.
 */
export const PB_LEGACY_HEADERS_FIELD = 1000;

/** `ToFunction.Invocation`: one message of a batch. */
export interface PbInvocation {
  caller: PbAddress | undefined;
  argument: PbTypedValue | undefined;
  /**
   * The headers of the Kafka record the message came from, on the wire the argument's
   * `TypedValue.metadata` (field 4). Left out, never empty, when there are none: a batch
   * without headers encodes exactly as in StateFun 3.3.
   */
  headers?: readonly PbHeader[];
}

/** `ToFunction.InvocationBatchRequest`: what the runtime sends to one address. */
export interface PbInvocationBatchRequest {
  target: PbAddress | undefined;
  state: PbPersistedValue[];
  invocations: PbInvocation[];
}

/** `FromFunction.PersistedValueMutation.MutationType`. */
export const PbMutationType = { DELETE: 0, MODIFY: 1 } as const;
export type PbMutationType = (typeof PbMutationType)[keyof typeof PbMutationType];

/** `FromFunction.PersistedValueMutation`. */
export interface PbStateMutation {
  mutationType: PbMutationType;
  stateName: string;
  stateValue: PbTypedValue | undefined;
}

/** `FromFunction.Invocation`: a message sent by the function. */
export interface PbOutgoingMessage {
  target: PbAddress | undefined;
  argument: PbTypedValue | undefined;
}

/** `FromFunction.DelayedInvocation`: a delayed message, or the cancellation of one. */
export interface PbDelayedInvocation {
  isCancellationRequest: boolean;
  cancellationToken: string;
  delayInMs: number;
  target: PbAddress | undefined;
  argument: PbTypedValue | undefined;
}

/** `FromFunction.EgressMessage`. */
export interface PbEgressMessage {
  egressNamespace: string;
  egressType: string;
  argument: PbTypedValue | undefined;
}

/** `FromFunction.InvocationResponse`: the effects of a whole batch. */
export interface PbInvocationResponse {
  stateMutations: PbStateMutation[];
  outgoingMessages: PbOutgoingMessage[];
  delayedInvocations: PbDelayedInvocation[];
  outgoingEgresses: PbEgressMessage[];
}

/** `FromFunction.ExpirationSpec.ExpireMode`. */
export const PbExpireMode = { NONE: 0, AFTER_WRITE: 1, AFTER_INVOKE: 2 } as const;
export type PbExpireMode = (typeof PbExpireMode)[keyof typeof PbExpireMode];

/** `FromFunction.ExpirationSpec`. */
export interface PbExpirationSpec {
  mode: PbExpireMode;
  expireAfterMillis: number;
}

/** `FromFunction.PersistedValueSpec`: a state value the function declares. */
export interface PbValueSpec {
  stateName: string;
  expirationSpec: PbExpirationSpec | undefined;
  typeTypename: string;
}

/** `FromFunction`: either the batch's effects or the state values the request lacked. */
/** How many effects of each kind a batch's response held before one of its invocations ran. */
export interface PbEffectCounts {
  readonly messages: number;
  readonly delayed: number;
  readonly egress: number;
}

export type PbFromFunction =
  | {
      kind: 'invocationResult';
      result: PbInvocationResponse;
      /**
       * In process only, never on the wire: where each invocation's effects begin in `result`
       * (one entry per invocation, in order), so that a runtime can tell which message caused
       * which effect (traces). Keyflow's sdk fills it; absent from decoded bytes.
       */
      invocationEffects?: readonly PbEffectCounts[];
    }
  | { kind: 'incompleteInvocationContext'; missingValues: PbValueSpec[] }
  | { kind: 'empty' };
