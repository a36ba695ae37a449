// Converts the sdk's plain wire objects to protobuf-es messages built from the generated
// reference schemas, so tests can compare our codecs with `toBinary`/`fromBinary`.

import { create } from '@bufbuild/protobuf';
import {
  FromFunctionSchema,
  ToFunctionSchema,
  type FromFunction,
  type ToFunction,
} from '../generated/io/statefun/sdk/reqreply/request-reply_pb';
import type { PbFromFunction, PbHeader, PbInvocationBatchRequest, PbInvocationResponse, PbValueSpec } from '../protocol/wire-types';

/** The reference `ToFunction` carrying `batch`. */
export function referenceToFunction(batch: PbInvocationBatchRequest): ToFunction {
  return create(ToFunctionSchema, {
    request: {
      case: 'invocation',
      value: {
        target: batch.target,
        state: batch.state.map((value) => ({ stateName: value.stateName, stateValue: value.stateValue })),
        invocations: batch.invocations.map((invocation) => ({
          caller: invocation.caller,
          // Headers travel as the argument's metadata (TypedValue field 4).
          argument: invocation.headers ? { ...invocation.argument, metadata: invocation.headers.map(referenceHeader) } : invocation.argument,
        })),
      },
    },
  });
}

/** A header as the reference `TypedValue.Metadata` / `KafkaProducerRecord.Header`. */
export function referenceHeader(header: PbHeader): { key: string; value: Uint8Array; hasValue: boolean } {
  return { key: header.key, value: header.value ?? new Uint8Array(0), hasValue: header.value !== null };
}

/** The reference `FromFunction` equal to `response`. */
export function referenceFromFunction(response: PbFromFunction): FromFunction {
  switch (response.kind) {
    case 'invocationResult':
      return create(FromFunctionSchema, {
        response: { case: 'invocationResult', value: referenceInvocationResponse(response.result) },
      });
    case 'incompleteInvocationContext':
      return create(FromFunctionSchema, {
        response: {
          case: 'incompleteInvocationContext',
          value: { missingValues: response.missingValues.map(referenceValueSpec) },
        },
      });
    case 'empty':
      return create(FromFunctionSchema);
  }
}

function referenceInvocationResponse(result: PbInvocationResponse) {
  return {
    stateMutations: result.stateMutations.map((mutation) => ({ ...mutation })),
    outgoingMessages: result.outgoingMessages.map((message) => ({ ...message })),
    delayedInvocations: result.delayedInvocations.map((delayed) => ({
      ...delayed,
      delayInMs: BigInt(delayed.delayInMs),
    })),
    outgoingEgresses: result.outgoingEgresses.map((egress) => ({ ...egress })),
  };
}

function referenceValueSpec(spec: PbValueSpec) {
  return {
    stateName: spec.stateName,
    typeTypename: spec.typeTypename,
    expirationSpec: spec.expirationSpec && {
      mode: spec.expirationSpec.mode,
      expireAfterMillis: BigInt(spec.expirationSpec.expireAfterMillis),
    },
  };
}
