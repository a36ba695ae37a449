// fast-check generators of the sdk's plain wire objects, for property tests of the codecs.

import fc from 'fast-check';
import {
  PbExpireMode,
  PbMutationType,
  type PbAddress,
  type PbDelayedInvocation,
  type PbEgressMessage,
  type PbFromFunction,
  type PbHeader,
  type PbInvocationBatchRequest,
  type PbStateMutation,
  type PbTypedValue,
  type PbValueSpec,
} from '../protocol/wire-types';

/** A fixed seed, so a failing property reproduces on every run. */
export const PROPERTY_SEED = 20_240_611;

// Full Unicode without lone surrogates: those cannot survive UTF-8, in any implementation.
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 24 });
const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });
const list = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arbitrary, { maxLength: 4 });
/** int64 values a JS number carries exactly. */
const safeInt64 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

export const arbitraryAddress: fc.Arbitrary<PbAddress> = fc.record({ namespace: text, type: text, id: text });

export const arbitraryTypedValue: fc.Arbitrary<PbTypedValue> = fc.record({
  typename: text,
  hasValue: fc.boolean(),
  value: bytes,
});

/** Kafka record headers: keys repeat (Kafka allows it), values are any bytes or Kafka's null. */
export const arbitraryHeader: fc.Arbitrary<PbHeader> = fc.record({
  key: fc.oneof(fc.constantFrom('trace-id', 'tag', ''), text),
  value: fc.oneof({ weight: 4, arbitrary: bytes }, { weight: 1, arbitrary: fc.constant(null) }),
});

/** Headers as decoders yield them: left out when there are none, never an empty list. */
export const arbitraryHeaders: fc.Arbitrary<PbHeader[]> = fc.array(arbitraryHeader, { minLength: 1, maxLength: 4 });

export const arbitraryBatch: fc.Arbitrary<PbInvocationBatchRequest> = fc.record({
  target: optional(arbitraryAddress),
  state: list(fc.record({ stateName: text, stateValue: optional(arbitraryTypedValue) })),
  invocations: list(
    fc.oneof(
      fc.record({ caller: optional(arbitraryAddress), argument: optional(arbitraryTypedValue) }),
      // Headers travel inside the argument (TypedValue.metadata): an invocation with headers has one.
      fc.record({ caller: optional(arbitraryAddress), argument: arbitraryTypedValue, headers: arbitraryHeaders }),
    ),
  ),
});

const arbitraryMutation: fc.Arbitrary<PbStateMutation> = fc.record({
  mutationType: fc.constantFrom(PbMutationType.DELETE, PbMutationType.MODIFY),
  stateName: text,
  stateValue: optional(arbitraryTypedValue),
});

const arbitraryDelayed: fc.Arbitrary<PbDelayedInvocation> = fc.record({
  isCancellationRequest: fc.boolean(),
  cancellationToken: text,
  delayInMs: safeInt64,
  target: optional(arbitraryAddress),
  argument: optional(arbitraryTypedValue),
});

const arbitraryEgress: fc.Arbitrary<PbEgressMessage> = fc.record({
  egressNamespace: text,
  egressType: text,
  argument: optional(arbitraryTypedValue),
});

const arbitraryValueSpec: fc.Arbitrary<PbValueSpec> = fc.record({
  stateName: text,
  expirationSpec: optional(
    fc.record({
      mode: fc.constantFrom(PbExpireMode.NONE, PbExpireMode.AFTER_WRITE, PbExpireMode.AFTER_INVOKE),
      expireAfterMillis: safeInt64,
    }),
  ),
  typeTypename: text,
});

export const arbitraryFromFunction: fc.Arbitrary<PbFromFunction> = fc.oneof(
  fc.record({
    kind: fc.constant('invocationResult' as const),
    result: fc.record({
      stateMutations: list(arbitraryMutation),
      outgoingMessages: list(fc.record({ target: optional(arbitraryAddress), argument: optional(arbitraryTypedValue) })),
      delayedInvocations: list(arbitraryDelayed),
      outgoingEgresses: list(arbitraryEgress),
    }),
  }),
  fc.record({ kind: fc.constant('incompleteInvocationContext' as const), missingValues: list(arbitraryValueSpec) }),
  fc.constant({ kind: 'empty' as const }),
);
