// Message factories for handler tests: build a ToFunction (with the protobuf-es reference
// encoder), run the handler, then read the FromFunction with these accessors.

import { toBinary } from '@bufbuild/protobuf';
import { ToFunctionSchema } from '../generated/io/statefun/sdk/reqreply/request-reply_pb';
import { decodeFromFunction } from '../protocol/from-function-codec';
import type {
  PbAddress,
  PbFromFunction,
  PbHeader,
  PbInvocationBatchRequest,
  PbInvocationResponse,
  PbTypedValue,
  PbValueSpec,
} from '../protocol/wire-types';
import { referenceToFunction } from './reference-messages';

/** The wire address of `typename` (split at its last `/`, as StateFun does) and `id`. */
export function address(typename: string, id: string): PbAddress {
  const slash = typename.lastIndexOf('/');
  return { namespace: typename.slice(0, slash), type: typename.slice(slash + 1), id };
}

/** One message of a batch. */
export interface InvocationInit {
  readonly argument: PbTypedValue;
  readonly caller?: PbAddress;
  /** Keyflow's extension: the headers of the Kafka record the message came from. */
  readonly headers?: readonly PbHeader[];
}

/** What a test says about a batch; everything else is left empty. */
export interface BatchInit {
  readonly target?: PbAddress;
  /** State values by name; `undefined` sends the name with no `state_value` at all. */
  readonly state?: Readonly<Record<string, PbTypedValue | undefined>>;
  readonly invocations?: readonly InvocationInit[];
}

/** An invocation batch as the runtime would send it. */
export function batch(init: BatchInit): PbInvocationBatchRequest {
  return {
    target: init.target,
    state: Object.entries(init.state ?? {}).map(([stateName, stateValue]) => ({ stateName, stateValue })),
    invocations: (init.invocations ?? []).map((invocation) => ({
      caller: invocation.caller,
      argument: invocation.argument,
      ...(invocation.headers === undefined ? {} : { headers: invocation.headers }),
    })),
  };
}

/** The `ToFunction` bytes of `batch(init)`, encoded by protobuf-es. */
export function toFunction(init: BatchInit): Uint8Array {
  return toBinary(ToFunctionSchema, referenceToFunction(batch(init)));
}

function decoded(reply: Uint8Array | PbFromFunction): PbFromFunction {
  return reply instanceof Uint8Array ? decodeFromFunction(reply) : reply;
}

/** The effects of a reply; fails the test when the reply is anything else. */
export function invocationResult(reply: Uint8Array | PbFromFunction): PbInvocationResponse {
  const response = decoded(reply);
  if (response.kind !== 'invocationResult') {
    throw new Error(`expected an invocation result, got ${response.kind}`);
  }
  return response.result;
}

/** The missing state specs of a reply; fails the test when the reply is anything else. */
export function missingValues(reply: Uint8Array | PbFromFunction): PbValueSpec[] {
  const response = decoded(reply);
  if (response.kind !== 'incompleteInvocationContext') {
    throw new Error(`expected an incomplete invocation context, got ${response.kind}`);
  }
  return response.missingValues;
}
