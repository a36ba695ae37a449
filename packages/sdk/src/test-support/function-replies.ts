// Factories for the function's side of the protocol, for tests of runtimes: what a function
// answers (FromFunction) built from the few fields a test cares about, everything else empty as
// StateFun's protocol leaves it, and readers of the requests a runtime sends.

import { Types } from '../types/builtin-types';
import {
  PbMutationType,
  type PbAddress,
  type PbDelayedInvocation,
  type PbEgressMessage,
  type PbExpireMode,
  type PbFromFunction,
  type PbInvocationBatchRequest,
  type PbInvocationResponse,
  type PbStateMutation,
  type PbTypedValue,
  type PbValueSpec,
} from '../protocol/wire-types';

/** A `io.statefun.types/string` value. */
export function stringValue(text: string): PbTypedValue {
  return { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) };
}

/** A `io.statefun.types/int` value. */
export function intValue(value: number): PbTypedValue {
  return { typename: Types.int.typename, hasValue: true, value: Types.int.serialize(value) };
}

/** The text of a string value (fails on other types, so that a mix-up shows). */
export function textOf(value: PbTypedValue | undefined): string {
  if (value?.typename !== Types.string.typename) throw new Error(`expected a string value, got ${value?.typename}`);
  return Types.string.deserialize(value.value);
}

/** The string arguments of a batch, in order. */
export function argumentsOf(request: PbInvocationBatchRequest): string[] {
  return request.invocations.map((invocation) => textOf(invocation.argument));
}

/** The state a batch carries, by name, as `{ hasValue, typename, value }`. */
export function stateOf(request: PbInvocationBatchRequest): Record<string, PbTypedValue | undefined> {
  return Object.fromEntries(request.state.map((value) => [value.stateName, value.stateValue]));
}

/** What a test says about a response; everything else is left empty. */
export interface ResultInit {
  readonly stateMutations?: readonly PbStateMutation[];
  readonly outgoingMessages?: readonly { target: PbAddress; argument: PbTypedValue }[];
  readonly delayedInvocations?: readonly Partial<PbDelayedInvocation>[];
  readonly outgoingEgresses?: readonly PbEgressMessage[];
}

/** A `FromFunction` with an `InvocationResponse`. */
export function fromFunction(init: ResultInit = {}): PbFromFunction {
  const result: PbInvocationResponse = {
    stateMutations: [...(init.stateMutations ?? [])],
    outgoingMessages: (init.outgoingMessages ?? []).map((message) => ({ ...message })),
    delayedInvocations: (init.delayedInvocations ?? []).map((delayed) => ({
      isCancellationRequest: false,
      cancellationToken: '',
      delayInMs: 0,
      target: undefined,
      argument: undefined,
      ...delayed,
    })),
    outgoingEgresses: [...(init.outgoingEgresses ?? [])],
  };
  return { kind: 'invocationResult', result };
}

/** A `FromFunction` asking for state values the request lacked. */
export function incompleteContext(...missingValues: PbValueSpec[]): PbFromFunction {
  return { kind: 'incompleteInvocationContext', missingValues };
}

/** A state spec; `expire` as `[mode, millis]`. */
export function valueSpec(stateName: string, typeTypename: string, expire?: readonly [PbExpireMode, number]): PbValueSpec {
  return {
    stateName,
    typeTypename,
    expirationSpec: expire ? { mode: expire[0], expireAfterMillis: expire[1] } : undefined,
  };
}

/** A MODIFY mutation. */
export function modify(stateName: string, value: PbTypedValue): PbStateMutation {
  return { mutationType: PbMutationType.MODIFY, stateName, stateValue: value };
}

/** A DELETE mutation. */
export function remove(stateName: string): PbStateMutation {
  return { mutationType: PbMutationType.DELETE, stateName, stateValue: undefined };
}

/** An egress message to `egress` (`namespace/type`). */
export function egressTo(egress: string, value: PbTypedValue): PbEgressMessage {
  const slash = egress.lastIndexOf('/');
  return { egressNamespace: egress.slice(0, slash), egressType: egress.slice(slash + 1), argument: value };
}
