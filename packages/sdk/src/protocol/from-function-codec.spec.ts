import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  FromFunctionSchema,
  FromFunction_DelayedInvocationSchema,
} from '../generated/io/statefun/sdk/reqreply/request-reply_pb';
import { PbExpireMode, PbMutationType, decodeFromFunction, encodeFromFunction } from '@keyflow/sdk/protocol';
import type { PbFromFunction } from '@keyflow/sdk/protocol';
import { fromHex, hex } from '../test-support/hex';
import { expectKeyflowError, expectThrowsCode } from '../test-support/keyflow-errors';
import { referenceFromFunction } from '../test-support/reference-messages';
import { PROPERTY_SEED, arbitraryFromFunction } from '../test-support/wire-arbitraries';

const RUNS = { seed: PROPERTY_SEED, numRuns: 150 };

const address = { namespace: 'ns', type: 'fn', id: 'a' };
const ADDRESS_HEX = '0a 02 6e73 12 02 666e 1a 01 61'; // Address{namespace=1, type=2, id=3}, 11 bytes
const typed = (byte: number) => ({ typename: 't/x', hasValue: true, value: Uint8Array.of(byte) });
const typedHex = (byte: string) => `0a 03 742f78 10 01 1a 01 ${byte}`; // TypedValue, 10 bytes

/** One effect of each kind, with the bytes written out by hand from the .proto field numbers. */
const RESULT_FIXTURE: PbFromFunction = {
  kind: 'invocationResult',
  result: {
    stateMutations: [{ mutationType: PbMutationType.MODIFY, stateName: 's', stateValue: typed(1) }],
    outgoingMessages: [{ target: address, argument: typed(2) }],
    delayedInvocations: [
      { isCancellationRequest: false, cancellationToken: 'k', delayInMs: 1000, target: address, argument: typed(3) },
    ],
    outgoingEgresses: [{ egressNamespace: 'e', egressType: 'out', argument: typed(4) }],
  },
};
const RESULT_HEX = [
  'a2 06 65', // FromFunction.invocation_result = 100, 101 bytes
  `0a 11 08 01 12 01 73 1a 0a ${typedHex('01')}`, // state_mutations = 1: {mutation_type=1 MODIFY, state_name=2, state_value=3}
  `12 19 0a 0b ${ADDRESS_HEX} 12 0a ${typedHex('02')}`, // outgoing_messages = 2: {target=1, argument=2}
  `1a 1f 08 e807 12 0b ${ADDRESS_HEX} 1a 0a ${typedHex('03')} 5a 01 6b`, // delayed = 3: {delay_in_ms=1, target=2, argument=3, cancellation_token=11}
  `22 14 0a 01 65 12 03 6f7574 1a 0a ${typedHex('04')}`, // outgoing_egresses = 4: {egress_namespace=1, egress_type=2, argument=3}
].join(' ');

const INCOMPLETE_FIXTURE: PbFromFunction = {
  kind: 'incompleteInvocationContext',
  missingValues: [
    {
      stateName: 'seen',
      expirationSpec: { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: 1_800_000 },
      typeTypename: 'io.statefun.types/int',
    },
  ],
};
const INCOMPLETE_HEX = [
  'aa 06 27', // FromFunction.incomplete_invocation_context = 101, 39 bytes
  '0a 25', // missing_values = 1, 37 bytes
  '0a 04 7365656e', // state_name = 1 'seen'
  '12 06 08 02 10 c0ee6d', // expiration_spec = 2: {mode=1 AFTER_INVOKE(2), expire_after_millis=2 1800000}
  '1a 15 696f2e73746174656675 6e2e74797065732f696e74', // type_typename = 3 'io.statefun.types/int'
].join(' ');

const CANCELLATION_FIXTURE: PbFromFunction = {
  kind: 'invocationResult',
  result: {
    stateMutations: [{ mutationType: PbMutationType.DELETE, stateName: 's', stateValue: undefined }],
    outgoingMessages: [],
    delayedInvocations: [
      { isCancellationRequest: true, cancellationToken: 'k', delayInMs: 0, target: undefined, argument: undefined },
    ],
    outgoingEgresses: [],
  },
};
// DELETE is 0, the default: the mutation carries only its name.
const CANCELLATION_HEX = 'a2 06 0c 0a 03 12 01 73 1a 05 50 01 5a 01 6b';

describe('encodeFromFunction', () => {
  it.each([
    ['an invocation result with every kind of effect', RESULT_FIXTURE, RESULT_HEX],
    ['an incomplete invocation context', INCOMPLETE_FIXTURE, INCOMPLETE_HEX],
    ['a delete mutation and a cancellation request', CANCELLATION_FIXTURE, CANCELLATION_HEX],
  ])('writes the hand-checked bytes of %s, as the reference does', (_name, response, fixtureHex) => {
    const expected = hex(fromHex(fixtureHex));
    expect(hex(encodeFromFunction(response))).toBe(expected);
    expect(hex(toBinary(FromFunctionSchema, referenceFromFunction(response)))).toBe(expected);
  });

  it('writes DelayedInvocation fields in field-number order (1, 2, 3, 10, 11) like protobuf-es', () => {
    const delayed = { isCancellationRequest: true, cancellationToken: 'k', delayInMs: 5, target: address, argument: typed(9) };
    const reference = toBinary(
      FromFunction_DelayedInvocationSchema,
      create(FromFunction_DelayedInvocationSchema, { ...delayed, delayInMs: 5n }),
    );
    const ours = encodeFromFunction({
      kind: 'invocationResult',
      result: { stateMutations: [], outgoingMessages: [], delayedInvocations: [delayed], outgoingEgresses: [] },
    });
    // FromFunction(100) > InvocationResponse.delayed_invocations(3) > the DelayedInvocation itself.
    expect(hex(ours.subarray(5))).toBe(hex(reference));
    expect(hex(reference)).toBe(hex(fromHex(`08 05 12 0b ${ADDRESS_HEX} 1a 0a ${typedHex('09')} 50 01 5a 01 6b`)));
  });

  it('writes a negative delay as a ten-byte varint, as int64 requires', () => {
    const response: PbFromFunction = {
      kind: 'invocationResult',
      result: {
        stateMutations: [],
        outgoingMessages: [],
        delayedInvocations: [{ isCancellationRequest: false, cancellationToken: '', delayInMs: -1, target: undefined, argument: undefined }],
        outgoingEgresses: [],
      },
    };
    expect(hex(encodeFromFunction(response))).toBe(hex(fromHex('a2 06 0d 1a 0b 08 ffffffffffffffffff01')));
    expect(decodeFromFunction(encodeFromFunction(response))).toEqual(response);
  });

  it('writes nothing for an empty response, like the reference', () => {
    expect(encodeFromFunction({ kind: 'empty' })).toHaveLength(0);
    expect(toBinary(FromFunctionSchema, create(FromFunctionSchema))).toHaveLength(0);
  });

  it('writes an empty invocation result as a present, empty field 100', () => {
    const empty: PbFromFunction = {
      kind: 'invocationResult',
      result: { stateMutations: [], outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] },
    };
    expect(hex(encodeFromFunction(empty))).toBe('a20600');
    expect(hex(toBinary(FromFunctionSchema, referenceFromFunction(empty)))).toBe('a20600');
  });

  it('returns bytes that a later encoding does not overwrite', () => {
    const first = encodeFromFunction(RESULT_FIXTURE);
    encodeFromFunction(INCOMPLETE_FIXTURE);
    encodeFromFunction({ kind: 'empty' });
    expect(hex(first)).toBe(hex(fromHex(RESULT_HEX)));
  });

  it('is byte-identical to protobuf-es toBinary on random responses', () => {
    fc.assert(
      fc.property(arbitraryFromFunction, (response) => {
        expect(hex(encodeFromFunction(response))).toBe(hex(toBinary(FromFunctionSchema, referenceFromFunction(response))));
      }),
      RUNS,
    );
  });
});

describe('decodeFromFunction', () => {
  it.each([
    ['an invocation result with every kind of effect', RESULT_FIXTURE, RESULT_HEX],
    ['an incomplete invocation context', INCOMPLETE_FIXTURE, INCOMPLETE_HEX],
    ['a delete mutation and a cancellation request', CANCELLATION_FIXTURE, CANCELLATION_HEX],
  ])('reads the hand-checked bytes of %s', (_name, response, fixtureHex) => {
    expect(decodeFromFunction(fromHex(fixtureHex))).toEqual(response);
  });

  it('reads an empty message as the empty response', () => {
    expect(decodeFromFunction(new Uint8Array(0))).toEqual({ kind: 'empty' });
  });

  it('reads what protobuf-es writes, for random responses', () => {
    fc.assert(
      fc.property(arbitraryFromFunction, (response) => {
        expect(decodeFromFunction(toBinary(FromFunctionSchema, referenceFromFunction(response)))).toEqual(response);
      }),
      RUNS,
    );
  });

  it('round-trips its own encoding, and protobuf-es reads that encoding back to the same message', () => {
    fc.assert(
      fc.property(arbitraryFromFunction, (response) => {
        const bytes = encodeFromFunction(response);
        expect(decodeFromFunction(bytes)).toEqual(response);
        expect(fromBinary(FromFunctionSchema, bytes)).toEqual(referenceFromFunction(response));
      }),
      RUNS,
    );
  });

  it('skips unknown fields at the top level and inside every nested message', () => {
    const unknown = [
      { no: 7, wireType: WireType.Varint, data: Uint8Array.of(0x01) },
      { no: 99, wireType: WireType.LengthDelimited, data: Uint8Array.of(2, 0xde, 0xad) },
      { no: 12, wireType: WireType.Bit64, data: new Uint8Array(8) },
      { no: 13, wireType: WireType.Bit32, data: new Uint8Array(4) },
    ];
    const message = referenceFromFunction(RESULT_FIXTURE);
    message.$unknown = unknown;
    if (message.response.case !== 'invocationResult') throw new Error('fixture is an invocation result');
    const result = message.response.value;
    result.$unknown = unknown;
    for (const item of [
      ...result.stateMutations,
      ...result.outgoingMessages,
      ...result.delayedInvocations,
      ...result.outgoingEgresses,
    ]) {
      item.$unknown = unknown;
    }
    const incomplete = referenceFromFunction(INCOMPLETE_FIXTURE);
    if (incomplete.response.case !== 'incompleteInvocationContext') throw new Error('fixture is incomplete');
    incomplete.response.value.$unknown = unknown;
    for (const spec of incomplete.response.value.missingValues) {
      spec.$unknown = unknown;
      if (spec.expirationSpec) spec.expirationSpec.$unknown = unknown;
    }

    expect(decodeFromFunction(toBinary(FromFunctionSchema, message))).toEqual(RESULT_FIXTURE);
    expect(decodeFromFunction(toBinary(FromFunctionSchema, incomplete))).toEqual(INCOMPLETE_FIXTURE);
  });

  describe('malformed bytes', () => {
    it.each([
      ['a truncated invocation result', 'a2 06 05 0a 03'],
      ['invocation_result as a varint', 'a0 06 00'],
      ['incomplete_invocation_context as fixed32', 'ad 06 00 00 00 00'],
      ['a mutation type sent as a string', 'a2 06 04 0a 02 0a 00'],
      ['a delay sent as a string', 'a2 06 04 1a 02 0a 00'],
      ['an expiration mode sent as fixed64', 'aa 06 0d 0a 0b 12 09 09 0000000000000000'],
      ['field number 0', '00'],
      ['wire type 7', 'a7 06'],
      ['garbage', 'ff ff ff ff ff ff ff ff ff ff ff'],
    ])('rejects %s with KF_PROTOCOL_MALFORMED', (_name, bytes) => {
      expectThrowsCode(() => decodeFromFunction(fromHex(bytes)), SdkErrorCodes.PROTOCOL_MALFORMED);
    });

    it('rejects every truncation of a non-empty response', () => {
      fc.assert(
        fc.property(arbitraryFromFunction, fc.nat(), (response, cut) => {
          const bytes = encodeFromFunction(response);
          fc.pre(bytes.length > 1);
          const length = 1 + (cut % (bytes.length - 1));
          expectThrowsCode(() => decodeFromFunction(bytes.subarray(0, length)), SdkErrorCodes.PROTOCOL_MALFORMED);
        }),
        RUNS,
      );
    });

    it('answers random garbage with a response or KF_PROTOCOL_MALFORMED, never another error', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          try {
            expect(decodeFromFunction(bytes)).toHaveProperty('kind');
          } catch (error) {
            expectKeyflowError(error, SdkErrorCodes.PROTOCOL_MALFORMED);
          }
        }),
        { seed: PROPERTY_SEED, numRuns: 500 },
      );
    });
  });
});
