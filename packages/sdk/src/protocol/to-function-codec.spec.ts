import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  ToFunctionSchema,
  ToFunction_InvocationBatchRequestSchema,
} from '../generated/io/statefun/sdk/reqreply/request-reply_pb';
import { decodeToFunction, encodeToFunction } from '@keyflow/sdk/protocol';
import type { PbInvocation, PbInvocationBatchRequest } from '@keyflow/sdk/protocol';
import { fromHex, hex } from '../test-support/hex';
import { expectThrowsCode, errorThrownBy, expectKeyflowError } from '../test-support/keyflow-errors';
import { referenceToFunction } from '../test-support/reference-messages';
import { PROPERTY_SEED, arbitraryBatch } from '../test-support/wire-arbitraries';

const RUNS = { seed: PROPERTY_SEED, numRuns: 150 };

/** A batch with one of everything, and its bytes written out by hand from the .proto field numbers. */
const FIXTURE_BATCH: PbInvocationBatchRequest = {
  target: { namespace: 'ns', type: 'fn', id: 'a' },
  state: [{ stateName: 's', stateValue: { typename: 't/x', hasValue: true, value: Uint8Array.of(1) } }],
  invocations: [
    {
      caller: { namespace: 'ns', type: 'fn', id: 'b' },
      argument: { typename: 't/x', hasValue: true, value: Uint8Array.of(2) },
    },
  ],
};
const FIXTURE_HEX = [
  'a2 06 39', // ToFunction.invocation = 100, 57 bytes
  '0a 0b 0a 02 6e73 12 02 666e 1a 01 61', // target = 1: Address{namespace=1 'ns', type=2 'fn', id=3 'a'}
  '12 0f 0a 01 73 12 0a 0a 03 742f78 10 01 1a 01 01', // state = 2: {state_name=1 's', state_value=2 TypedValue}
  '1a 19 0a 0b 0a 02 6e73 12 02 666e 1a 01 62', // invocations = 3: {caller=1 Address
  '12 0a 0a 03 742f78 10 01 1a 01 02', //   argument=2 TypedValue{typename=1, has_value=2, value=3}}
].join(' ');

/** The fixture with Keyflow's header extension on its invocation: a repeated key, a binary value. */
const FIXTURE_WITH_HEADERS: PbInvocationBatchRequest = {
  ...FIXTURE_BATCH,
  invocations: [
    {
      ...(FIXTURE_BATCH.invocations[0] as PbInvocation),
      headers: [
        { key: 't', value: Uint8Array.of(0x78) },
        { key: 't', value: Uint8Array.of(0xff) },
      ],
    },
  ],
};
// The headers in the maintained StateFun line's layout: the argument's TypedValue.metadata = 4.
const FIXTURE_WITH_HEADERS_HEX = [
  'a2 06 4d', // ToFunction.invocation = 100, 77 bytes (57 + 2 × 10)
  '0a 0b 0a 02 6e73 12 02 666e 1a 01 61', // target, as in the fixture
  '12 0f 0a 01 73 12 0a 0a 03 742f78 10 01 1a 01 01', // state, as in the fixture
  '1a 2d 0a 0b 0a 02 6e73 12 02 666e 1a 01 62', // invocations = 3, 45 bytes: {caller=1 Address
  '12 1e 0a 03 742f78 10 01 1a 01 02', //   argument=2 TypedValue, 30 bytes: the fixture's, then
  '22 08 0a 01 74 12 01 78 18 01', //     metadata = 4: Metadata{key=1 't', value=2 'x', has_value=3 true}
  '22 08 0a 01 74 12 01 ff 18 01', //     metadata = 4: Metadata{key=1 't', value=2 0xff, has_value=3 true}}
].join(' ');
// The same headers in Keyflow's earlier layout (Invocation field 1000), which is still read.
const LEGACY_FIXTURE_WITH_HEADERS_HEX = [
  'a2 06 4b',
  '0a 0b 0a 02 6e73 12 02 666e 1a 01 61',
  '12 0f 0a 01 73 12 0a 0a 03 742f78 10 01 1a 01 01',
  '1a 2b 0a 0b 0a 02 6e73 12 02 666e 1a 01 62',
  '12 0a 0a 03 742f78 10 01 1a 01 02',
  'c2 3e 06 0a 01 74 12 01 78', // headers = 1000 (tag c2 3e): io.keyflow.sdk.Header{key=1 't', value=2 'x'}
  'c2 3e 06 0a 01 74 12 01 ff',
].join(' ');

describe('encodeToFunction', () => {
  it('writes the hand-checked fixture bytes', () => {
    expect(hex(encodeToFunction(FIXTURE_BATCH))).toBe(hex(fromHex(FIXTURE_HEX)));
  });

  it('agrees with the protobuf-es reference on the fixture', () => {
    expect(hex(toBinary(ToFunctionSchema, referenceToFunction(FIXTURE_BATCH)))).toBe(hex(fromHex(FIXTURE_HEX)));
  });

  it('omits proto3 defaults exactly as the reference does (empty strings, false, empty bytes)', () => {
    const sparse: PbInvocationBatchRequest = {
      target: { namespace: '', type: '', id: '' },
      state: [{ stateName: '', stateValue: { typename: '', hasValue: false, value: new Uint8Array(0) } }],
      invocations: [{ caller: undefined, argument: undefined }],
    };
    const ours = encodeToFunction(sparse);
    expect(hex(ours)).toBe(hex(toBinary(ToFunctionSchema, referenceToFunction(sparse))));
    // Present-but-empty sub-messages are still written: the target, the state value, the invocation.
    expect(hex(ours)).toBe(hex(fromHex('a2 06 08 0a 00 12 02 12 00 1a 00')));
  });

  it("writes headers as the argument's TypedValue.metadata (field 4), as protobuf-es does", () => {
    expect(hex(encodeToFunction(FIXTURE_WITH_HEADERS))).toBe(hex(fromHex(FIXTURE_WITH_HEADERS_HEX)));
    expect(hex(toBinary(ToFunctionSchema, referenceToFunction(FIXTURE_WITH_HEADERS)))).toBe(hex(fromHex(FIXTURE_WITH_HEADERS_HEX)));
  });

  it("writes no header field at all for absent or empty headers: the bytes are StateFun's", () => {
    const empty: PbInvocationBatchRequest = { ...FIXTURE_BATCH, invocations: [{ ...(FIXTURE_BATCH.invocations[0] as PbInvocation), headers: [] }] };
    expect(hex(encodeToFunction(empty))).toBe(hex(fromHex(FIXTURE_HEX)));
    expect(hex(encodeToFunction(FIXTURE_BATCH))).toBe(hex(fromHex(FIXTURE_HEX)));
  });

  it('writes an empty header value with has_value, and a null one (Kafka\'s null) without, as the reference does', () => {
    const batch: PbInvocationBatchRequest = {
      target: undefined,
      state: [],
      invocations: [{ caller: undefined, argument: undefined, headers: [{ key: '', value: new Uint8Array(0) }, { key: 'n', value: null }] }],
    };
    // invocation { argument { metadata { has_value } metadata { key 'n' } } }
    expect(hex(encodeToFunction(batch))).toBe(hex(fromHex('a2 06 0d 1a 0b 12 09 22 02 18 01 22 03 0a 01 6e')));
    expect(hex(encodeToFunction(batch))).toBe(hex(toBinary(ToFunctionSchema, referenceToFunction(batch))));
    expect(decodeToFunction(encodeToFunction(batch))?.invocations[0]?.headers).toEqual([
      { key: '', value: new Uint8Array(0) },
      { key: 'n', value: null },
    ]);
  });

  it('is byte-identical to protobuf-es toBinary on random batches', () => {
    fc.assert(
      fc.property(arbitraryBatch, (batch) => {
        expect(hex(encodeToFunction(batch))).toBe(hex(toBinary(ToFunctionSchema, referenceToFunction(batch))));
      }),
      RUNS,
    );
  });
});

describe('decodeToFunction', () => {
  it('reads the hand-checked fixture bytes', () => {
    expect(decodeToFunction(fromHex(FIXTURE_HEX))).toEqual(FIXTURE_BATCH);
  });

  it('reads headers from the argument\'s metadata in order, repeated keys and binary values included', () => {
    const batch = decodeToFunction(fromHex(FIXTURE_WITH_HEADERS_HEX));
    expect(batch).toEqual(FIXTURE_WITH_HEADERS);
    expect(batch?.invocations[0]?.headers?.map((header) => [header.key, hex(header.value ?? new Uint8Array(0))])).toEqual([
      ['t', '78'],
      ['t', 'ff'],
    ]);
  });

  it("still reads Keyflow's earlier header layout (Invocation field 1000), for one release", () => {
    expect(decodeToFunction(fromHex(LEGACY_FIXTURE_WITH_HEADERS_HEX))).toEqual(FIXTURE_WITH_HEADERS);
  });

  it('leaves headers out of an invocation that has none (no empty list is made)', () => {
    const invocation = decodeToFunction(fromHex(FIXTURE_HEX))?.invocations[0];
    expect(invocation).toBeDefined();
    expect(Object.keys(invocation as object)).toEqual(['caller', 'argument']);
  });

  it('rejects a header field with a wrong wire type (Invocation.headers as varint)', () => {
    // invocations = 3: {headers = 1000 as varint 1}
    expectThrowsCode(() => decodeToFunction(fromHex('a2 06 05 1a 03 c0 3e 01')), SdkErrorCodes.PROTOCOL_MALFORMED);
  });

  it('reads what protobuf-es writes, for random batches', () => {
    fc.assert(
      fc.property(arbitraryBatch, (batch) => {
        expect(decodeToFunction(toBinary(ToFunctionSchema, referenceToFunction(batch)))).toEqual(batch);
      }),
      RUNS,
    );
  });

  it('round-trips its own encoding, and protobuf-es reads that encoding back to the same message', () => {
    fc.assert(
      fc.property(arbitraryBatch, (batch) => {
        const bytes = encodeToFunction(batch);
        expect(decodeToFunction(bytes)).toEqual(batch);
        expect(fromBinary(ToFunctionSchema, bytes)).toEqual(referenceToFunction(batch));
      }),
      RUNS,
    );
  });

  it('returns undefined for a ToFunction without an invocation batch', () => {
    expect(decodeToFunction(new Uint8Array(0))).toBeUndefined();
    expect(decodeToFunction(toBinary(ToFunctionSchema, create(ToFunctionSchema)))).toBeUndefined();
  });

  it('skips unknown fields of every wire type, at the top level and inside nested messages', () => {
    const unknown = [
      { no: 7, wireType: WireType.Varint, data: Uint8Array.of(0x96, 0x01) },
      { no: 8, wireType: WireType.Bit64, data: new Uint8Array(8).fill(0xff) },
      { no: 9, wireType: WireType.LengthDelimited, data: Uint8Array.of(3, 1, 2, 3) },
      { no: 15, wireType: WireType.Bit32, data: new Uint8Array(4).fill(0xee) },
      { no: 16, wireType: WireType.StartGroup, data: Uint8Array.of(0x08, 0x01, 0x84, 0x01) }, // {f1=1} then end group 16
    ];
    const message = referenceToFunction(FIXTURE_BATCH);
    const batch = message.request.value;
    if (!batch?.target) throw new Error('fixture has a target');
    message.$unknown = unknown;
    batch.$unknown = unknown;
    batch.target.$unknown = unknown;
    const bytes = toBinary(ToFunctionSchema, message);
    expect(bytes.length).toBeGreaterThan(fromHex(FIXTURE_HEX).length);
    expect(decodeToFunction(bytes)).toEqual(FIXTURE_BATCH);
  });

  it('lets the last occurrence of a repeated scalar field win, as protobuf does', () => {
    // target = Address{namespace 'ns', type 'fn', id 'a', id 'z'}
    const bytes = fromHex('a2 06 10 0a 0e 0a 02 6e73 12 02 666e 1a 01 61 1a 01 7a');
    expect(decodeToFunction(bytes)?.target).toEqual({ namespace: 'ns', type: 'fn', id: 'z' });
    expect(fromBinary(ToFunctionSchema, bytes).request.value?.target?.id).toBe('z');
  });

  describe('malformed bytes', () => {
    it.each([
      ['a truncated length prefix', 'a2 06'],
      ['a length beyond the end', 'a2 06 05 0a 01'],
      ['the batch with a wrong wire type (varint)', 'a0 06 01'],
      ['a nested known field with a wrong wire type (Address.namespace as varint)', 'a2 06 04 0a 02 08 01'],
      ['TypedValue.has_value as a length-delimited field', 'a2 06 08 1a 06 12 04 12 02 10 01'],
      ['field number 0', '00 01'],
      ['wire type 6', '0e'],
      ['wire type 7', '0f'],
      ['an end-group tag without a start', '0c'],
      ['a group that never ends', '0b 08 01'],
      ['a varint longer than 10 bytes', 'ff ff ff ff ff ff ff ff ff ff ff'],
      ['a truncated fixed64 unknown field', '09 01 02 03'],
      ['a truncated fixed32 unknown field', '0d 01'],
    ])('rejects %s with KF_PROTOCOL_MALFORMED', (_name, bytes) => {
      expectThrowsCode(() => decodeToFunction(fromHex(bytes)), SdkErrorCodes.PROTOCOL_MALFORMED);
    });

    it('rejects every truncation of a valid request', () => {
      fc.assert(
        fc.property(arbitraryBatch, fc.nat(), (batch, cut) => {
          const bytes = encodeToFunction(batch);
          // The whole request is one length-delimited field, so every proper non-empty prefix is broken.
          const length = 1 + (cut % (bytes.length - 1));
          expectThrowsCode(() => decodeToFunction(bytes.subarray(0, length)), SdkErrorCodes.PROTOCOL_MALFORMED);
        }),
        RUNS,
      );
    });

    it('answers random garbage with a batch or KF_PROTOCOL_MALFORMED, never another error', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          let result: unknown;
          try {
            result = decodeToFunction(bytes);
          } catch (error) {
            expectKeyflowError(error, SdkErrorCodes.PROTOCOL_MALFORMED);
            return;
          }
          expect(result === undefined || typeof result === 'object').toBe(true);
        }),
        { seed: PROPERTY_SEED, numRuns: 500 },
      );
    });

    it('keeps the low-level reason as the cause', () => {
      const error = expectKeyflowError(errorThrownBy(() => decodeToFunction(fromHex('a2 06 05'))), SdkErrorCodes.PROTOCOL_MALFORMED);
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.retryable).toBe(false);
    });
  });

  it('decodes a batch whose sub-message the reference also accepts', () => {
    // Guards the fixture itself: the generated schema reads it to the same batch.
    const reference = fromBinary(ToFunction_InvocationBatchRequestSchema, fromHex(FIXTURE_HEX).subarray(3));
    expect(reference.target?.id).toBe('a');
    expect(reference.invocations[0]?.caller?.id).toBe('b');
  });
});
