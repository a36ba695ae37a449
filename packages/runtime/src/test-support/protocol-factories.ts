// Message factories for runtime tests: wire objects built from the few fields a test cares
// about, everything else empty, as StateFun's protocol leaves it.

import { Types } from '@keyflow/sdk';
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
} from '@keyflow/sdk/protocol';
import type { Envelope } from '../message/envelope';

/** The wire address of `typename` (split at its last `/`) and `id`. */
export function address(typename: string, id: string): PbAddress {
  const slash = typename.lastIndexOf('/');
  return { namespace: typename.slice(0, slash), type: typename.slice(slash + 1), id };
}

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

/** A message from outside (no caller) with a string argument. */
export function envelope(target: PbAddress, text: string, caller?: PbAddress): Envelope {
  return { target, argument: stringValue(text), caller };
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
export function invocationResult(init: ResultInit = {}): PbFromFunction {
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
