// The sdk's hot-path codecs (WireReader-based decodeToFunction and decodeFromFunction,
// WireWriter-based encodeFromFunction) against reference implementations: the decoders against
// the same message walks written on protobuf-es's BinaryReader (what the sdk used before), the
// encoder against protobuf-es's toBinary. Inputs go beyond the unit specs: long and non-ASCII strings, lone
// surrogates, sub-messages past 127 and 16383 bytes (longer length prefixes), int64 extremes,
// and corrupted bytes, on which both decoders must fail or succeed together.

import { toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { FromFunctionSchema } from '../../src/generated/io/statefun/sdk/reqreply/request-reply_pb';
import { decodeFromFunction, decodeToFunction, encodeFromFunction, encodeToFunction } from '../../src/protocol';
import type { PbFromFunction, PbHeader, PbInvocation, PbInvocationBatchRequest, PbTypedValue } from '../../src/protocol';
import { type BinaryReader, WireType, expectWireType, readHeader, readLegacyHeader, readerOf, subReader } from '../../src/protocol/wire-format';
import { readAddress, readTypedValue, referenceDecodeFromFunction } from './binary-reader-reference';
import { referenceFromFunction } from '../../src/test-support/reference-messages';

const SEED = Number(process.env['KF_DIFF_SEED'] ?? 20_251_122);

// Strings of every kind: short ASCII (the JS fast path), long ASCII (the native path), any
// code point, lone surrogates (written as U+FFFD by every UTF-8 encoder), and a leading BOM.
const text = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 40, maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('\uD800', 'a\uDC00b', '\uFEFFid', '\uFEFF', 'é'.repeat(50)),
);
const bytes = fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ minLength: 100, maxLength: 400 }));
const int64 = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53 - 1)),
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const list = <T>(arbitrary: fc.Arbitrary<T>) => fc.array(arbitrary, { maxLength: 6 });
const address = fc.record({ namespace: text, type: text, id: text });
const typedValue: fc.Arbitrary<PbTypedValue> = fc.record({ typename: text, hasValue: fc.boolean(), value: bytes });

const fromFunction: fc.Arbitrary<PbFromFunction> = fc.oneof(
  fc.record({
    kind: fc.constant('invocationResult' as const),
    result: fc.record({
      stateMutations: list(
        fc.record({ mutationType: fc.constantFrom(0 as const, 1 as const), stateName: text, stateValue: optional(typedValue) }),
      ),
      outgoingMessages: list(fc.record({ target: optional(address), argument: optional(typedValue) })),
      delayedInvocations: list(
        fc.record({
          isCancellationRequest: fc.boolean(),
          cancellationToken: text,
          delayInMs: int64,
          target: optional(address),
          argument: optional(typedValue),
        }),
      ),
      outgoingEgresses: list(fc.record({ egressNamespace: text, egressType: text, argument: optional(typedValue) })),
    }),
  }),
  fc.record({
    kind: fc.constant('incompleteInvocationContext' as const),
    missingValues: list(
      fc.record({
        stateName: text,
        expirationSpec: optional(fc.record({ mode: fc.constantFrom(0 as const, 1 as const, 2 as const), expireAfterMillis: int64 })),
        typeTypename: text,
      }),
    ),
  }),
);

const batch: fc.Arbitrary<PbInvocationBatchRequest> = fc.record({
  target: optional(address),
  state: list(fc.record({ stateName: text, stateValue: optional(typedValue) })),
  invocations: list(
    fc.oneof(
      fc.record({ caller: optional(address), argument: optional(typedValue) }),
      // Headers travel inside the argument (TypedValue.metadata), so an invocation with headers
      // has one; decoders leave headers out when there are none.
      fc.record({
        caller: optional(address),
        argument: typedValue,
        headers: fc.array(fc.record({ key: text, value: fc.oneof(bytes, fc.constant(null)) }), { minLength: 1, maxLength: 4 }),
      }),
    ),
  ),
});

const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

/** Up to three random changes to an encoded message. */
const corruption = fc.array(
  fc.record({
    kind: fc.constantFrom('flip', 'insert', 'insert-tag', 'append-tag', 'delete', 'truncate'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 3 },
);

/** `encoded` with `changes` applied, in order. */
function corrupt(encoded: Uint8Array, changes: readonly { kind: string; at: number; byte: number }[]): Uint8Array {
  const corrupted = [...encoded];
  for (const change of changes) {
    const at = corrupted.length === 0 ? 0 : change.at % corrupted.length;
    if (change.kind === 'flip') corrupted[at] = change.byte;
    else if (change.kind === 'insert') corrupted.splice(at, 0, change.byte);
    // A tag of a small field number (0 included) and any wire type, then one byte.
    else if (change.kind === 'insert-tag') corrupted.splice(at, 0, change.byte & 0x0f, change.byte >> 4);
    // The same at the top level, which no length prefix bounds.
    else if (change.kind === 'append-tag') corrupted.push(change.byte & 0x0f, change.byte >> 4);
    else if (change.kind === 'delete') corrupted.splice(at, 1);
    else corrupted.length = at;
  }
  return Uint8Array.from(corrupted);
}

describe('encodeFromFunction (WireWriter) vs protobuf-es toBinary', () => {
  it('writes identical bytes for random replies with long, non-ASCII and broken strings', () => {
    fc.assert(
      fc.property(fromFunction, (reply) => {
        expect(hex(encodeFromFunction(reply))).toBe(hex(toBinary(FromFunctionSchema, referenceFromFunction(reply))));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('writes identical bytes for replies of several megabytes (three- and four-byte length prefixes)', () => {
    for (const count of [1, 200, 3000, 40_000]) {
      const reply: PbFromFunction = {
        kind: 'invocationResult',
        result: {
          stateMutations: [],
          outgoingMessages: Array.from({ length: count }, (_, index) => ({
            target: { namespace: 'ns', type: 'fn', id: `id-${index}` },
            argument: { typename: 'io.statefun.types/string', hasValue: true, value: new Uint8Array(index % 300) },
          })),
          delayedInvocations: [],
          outgoingEgresses: [],
        },
      };
      const ours = encodeFromFunction(reply);
      expect(Buffer.compare(Buffer.from(ours), Buffer.from(toBinary(FromFunctionSchema, referenceFromFunction(reply))))).toBe(0);
    }
    // The scratch buffer shrinks back after a huge reply; small replies still come out right.
    const small: PbFromFunction = { kind: 'incompleteInvocationContext', missingValues: [{ stateName: 's', expirationSpec: undefined, typeTypename: 't/x' }] };
    expect(hex(encodeFromFunction(small))).toBe(hex(toBinary(FromFunctionSchema, referenceFromFunction(small))));
  });
});

describe('decodeToFunction (WireReader) vs the same walk on protobuf-es BinaryReader', () => {
  it('reads random requests identically', () => {
    fc.assert(
      fc.property(batch, (request) => {
        const encoded = encodeToFunction(request);
        expect(decodeToFunction(encoded)).toEqual(referenceDecode(encoded));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('accepts and rejects exactly the same corrupted bytes, and reads the accepted ones identically', () => {
    let rejected = 0;
    fc.assert(
      fc.property(batch, corruption, (request, changes) => {
        const input = corrupt(encodeToFunction(request), changes);
        const ours = outcome(() => decodeToFunction(input));
        const reference = outcome(() => referenceDecode(input));
        expect(ours.ok).toBe(reference.ok);
        if (ours.ok && reference.ok) expect(ours.value).toEqual(reference.value);
        else rejected++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(rejected).toBeGreaterThan(200);
  });

  it('keeps a leading U+FEFF in strings, as google-protobuf and protoc readers do', () => {
    const request = encodeToFunction({ target: { namespace: 'ns', type: 'fn', id: '\uFEFFa' }, state: [], invocations: [] });
    expect(decodeToFunction(request)?.target?.id).toBe('\uFEFFa');
  });
});

describe('decodeFromFunction (WireReader) vs the same walk on protobuf-es BinaryReader', () => {
  it('reads random replies identically, int64 extremes included', () => {
    fc.assert(
      fc.property(fromFunction, (reply) => {
        const encoded = encodeFromFunction(reply);
        expect(decodeFromFunction(encoded)).toEqual(referenceDecodeFromFunction(encoded));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reads int64 varints of every length and sign identically, past 2^53 too', () => {
    const delays = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.constantFrom(0n, 1n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 35n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -1n),
    );
    fc.assert(
      fc.property(delays, (delay) => {
        // FromFunction.invocation_result(100) > delayed_invocations(3) > delay_in_ms(1), by hand.
        const delayed = [0x08, ...varint(BigInt.asUintN(64, delay))];
        const response = [0x1a, delayed.length, ...delayed];
        const withDelay = Uint8Array.from([0xa2, 0x06, response.length, ...response]);
        const ours = decodeFromFunction(withDelay);
        expect(ours).toEqual(referenceDecodeFromFunction(withDelay));
        expect(ours.kind === 'invocationResult' && ours.result.delayedInvocations[0]?.delayInMs).toBe(Number(delay));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('accepts and rejects exactly the same corrupted bytes, and reads the accepted ones identically', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fromFunction, corruption, (reply, changes) => {
        const input = corrupt(encodeFromFunction(reply), changes);
        const ours = outcome(() => decodeFromFunction(input));
        const reference = outcome(() => referenceDecodeFromFunction(input));
        expect(ours.ok).toBe(reference.ok);
        if (ours.ok && reference.ok) expect(ours.value).toEqual(reference.value);
        else rejected++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(rejected).toBeGreaterThan(200);
  });

  it('rejects overlong varints in int64 fields as the reference does', () => {
    // delay_in_ms with eleven bytes: ten continuation bytes, then a terminator.
    const overlong = [0x08, ...new Array<number>(10).fill(0xff), 0x01];
    const response = [0x1a, overlong.length, ...overlong];
    const input = Uint8Array.from([0xa2, 0x06, response.length, ...response]);
    expect(outcome(() => referenceDecodeFromFunction(input)).ok).toBe(false);
    expect(outcome(() => decodeFromFunction(input)).ok).toBe(false);
  });
});

/** The unsigned LEB128 bytes of `value`. */
function varint(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7fn) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

function outcome<T>(run: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: run() };
  } catch {
    return { ok: false };
  }
}

/** ToFunction decoded on protobuf-es's BinaryReader, field by field as decodeToFunction does. */
function referenceDecode(bytes: Uint8Array): PbInvocationBatchRequest | undefined {
  const reader = readerOf(bytes);
  let result: PbInvocationBatchRequest | undefined;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 100) {
      reader.skip(wireType, field);
      continue;
    }
    expectWireType(wireType, WireType.LengthDelimited, 'ToFunction.invocation');
    const batchReader = subReader(reader);
    const decoded: PbInvocationBatchRequest = { target: undefined, state: [], invocations: [] };
    while (batchReader.pos < batchReader.len) {
      const [batchField, batchWireType] = batchReader.tag();
      if (batchField === 1) {
        expectWireType(batchWireType, WireType.LengthDelimited, 'target');
        decoded.target = readAddress(subReader(batchReader));
      } else if (batchField === 2) {
        expectWireType(batchWireType, WireType.LengthDelimited, 'state');
        const entry = subReader(batchReader);
        decoded.state.push(
          readFields(entry, { stateName: '', stateValue: undefined as PbTypedValue | undefined }, (field, value, target) => {
            if (field === 1) target.stateName = value.string();
            else target.stateValue = readTypedValue(subReader(value));
          }),
        );
      } else if (batchField === 3) {
        expectWireType(batchWireType, WireType.LengthDelimited, 'invocations');
        decoded.invocations.push(referenceInvocation(subReader(batchReader)));
      } else {
        batchReader.skip(batchWireType, batchField);
      }
    }
    result = decoded;
  }
  return result;
}

/** `ToFunction.Invocation`: caller = 1, argument = 2 (its metadata = 4: headers), Keyflow's earlier headers = 1000. */
function referenceInvocation(reader: BinaryReader): PbInvocation {
  const invocation: PbInvocation = { caller: undefined, argument: undefined };
  const headers: PbHeader[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 || field === 2 || field === 1000) {
      expectWireType(wireType, WireType.LengthDelimited, `field ${field}`);
      const value = subReader(reader);
      if (field === 1) invocation.caller = readAddress(value);
      else if (field === 2) invocation.argument = readArgument(value, headers);
      else headers.push(readLegacyHeader(value));
    } else {
      reader.skip(wireType, field);
    }
  }
  if (headers.length > 0) invocation.headers = headers;
  return invocation;
}

/** A TypedValue, its metadata (field 4) pushed onto `headers`, the other fields as readTypedValue reads them. */
function readArgument(reader: BinaryReader, headers: PbHeader[]): PbTypedValue {
  const value: PbTypedValue = { typename: '', hasValue: false, value: new Uint8Array(0) };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.typename');
      value.typename = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.Varint, 'TypedValue.has_value');
      value.hasValue = reader.bool();
    } else if (field === 3) {
      expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.value');
      value.value = reader.bytes();
    } else if (field === 4) {
      expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.metadata');
      headers.push(readHeader(subReader(reader)));
    } else {
      reader.skip(wireType, field);
    }
  }
  return value;
}

/** Reads fields 1 and 2 (both length-delimited) of a two-field message with `read`; skips others. */
function readFields<T>(reader: BinaryReader, target: T, read: (field: number, reader: BinaryReader, target: T) => void): T {
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 || field === 2) {
      expectWireType(wireType, WireType.LengthDelimited, `field ${field}`);
      read(field, reader, target);
    } else {
      reader.skip(wireType, field);
    }
  }
  return target;
}
