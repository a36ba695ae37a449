// Randomized ToFunction requests for the differential test. Every request is built as a plain
// object and encoded with the protobuf-es generated schemas, never with Keyflow's codec, so
// both SDKs read bytes that neither of them wrote.

import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { ToFunctionSchema } from '../../src/generated/io/statefun/sdk/reqreply/request-reply_pb';
import {
  BooleanWrapperSchema,
  FloatWrapperSchema,
  IntWrapperSchema,
  StringWrapperSchema,
} from '../../src/generated/io/statefun/sdk/types/types_pb';
import { ACCOUNT, COMMAND_TYPENAME, ECHO, PROFILE_TYPENAME, type Command, type Profile } from './vocabulary';

export interface WireAddress {
  namespace: string;
  type: string;
  id: string;
}

export interface WireTypedValue {
  typename: string;
  hasValue: boolean;
  value: Uint8Array;
}

export interface WireState {
  stateName: string;
  stateValue: WireTypedValue | undefined;
}

export interface WireInvocation {
  caller: WireAddress | undefined;
  argument: WireTypedValue;
}

/** One generated request: an invocation batch, or (rarely) a ToFunction without one. */
export interface DiffCase {
  hasBatch: boolean;
  target: WireAddress | undefined;
  state: WireState[];
  invocations: WireInvocation[];
}

const TYPENAMES = {
  int: 'io.statefun.types/int',
  string: 'io.statefun.types/string',
  bool: 'io.statefun.types/bool',
  float: 'io.statefun.types/float',
} as const;

const EMPTY = new Uint8Array(0);
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const present = (typename: string, value: Uint8Array): WireTypedValue => ({ typename, hasValue: true, value });

const wrapInt = (value: number) => present(TYPENAMES.int, toBinary(IntWrapperSchema, create(IntWrapperSchema, { value })));
const wrapString = (value: string) =>
  present(TYPENAMES.string, toBinary(StringWrapperSchema, create(StringWrapperSchema, { value })));
const wrapBool = (value: boolean) =>
  present(TYPENAMES.bool, toBinary(BooleanWrapperSchema, create(BooleanWrapperSchema, { value })));
const wrapFloat = (value: number) =>
  present(TYPENAMES.float, toBinary(FloatWrapperSchema, create(FloatWrapperSchema, { value })));
const wrapJson = (typename: string, value: unknown) => present(typename, utf8(JSON.stringify(value)));

// Full Unicode text without lone surrogates: protobuf strings are UTF-8, and a lone surrogate
// cannot be encoded by any conforming writer (protobuf-es writes U+FFFD).
const text = (maxLength: number, minLength = 0) => fc.string({ unit: 'grapheme', minLength, maxLength });
const int32 = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const float32 = fc.oneof(fc.float({ min: -200, max: 200, noNaN: true }), fc.float({ noNaN: true }));

/**
 * Instance ids: anything non-empty, a few recurring names, some starting with U+FEFF (a byte
 * order mark is text like any other: a decoder must not drop it), and with weight `empty` the
 * empty id.
 */
const idWith = (empty: number) =>
  fc.oneof(
    { weight: 80, arbitrary: text(10, 1) },
    { weight: 40, arbitrary: fc.constantFrom('alice', 'bob', 'carol') },
    { weight: 4, arbitrary: text(4).map((tail) => `\uFEFF${tail}`) },
    { weight: empty, arbitrary: fc.constant('') },
  );
const id = idWith(3);

/** Callers: absent (an ingress), or a function of several types; `a/b` + `c` checks the last-slash split. */
const caller: fc.Arbitrary<WireAddress | undefined> = fc.option(
  fc
    .tuple(fc.constantFrom(['kf.diff', 'account'], ['kf.diff', 'echo'], ['other.ns', 'svc'], ['a/b', 'c']), idWith(1))
    .map(([[namespace, type], callerId]) => ({ namespace, type, id: callerId })),
  { freq: 3, nil: undefined },
);

const profile: fc.Arbitrary<Profile> = fc.record({
  visits: fc.integer({ min: 0, max: 1000 }),
  tags: fc.array(text(6), { maxLength: 4 }),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('visit' as const), tag: text(8) }),
  fc.record({ op: fc.constant('reset' as const) }),
  fc.record({ op: fc.constant('fanout' as const), ids: fc.array(id, { maxLength: 3 }) }),
  fc.record(
    {
      op: fc.constant('delay' as const),
      ms: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 })),
      token: fc.oneof(text(8, 1), fc.constant('')),
    },
    { requiredKeys: ['op', 'ms'] },
  ),
  fc.record({ op: fc.constant('cancel' as const), token: fc.oneof({ weight: 30, arbitrary: text(8, 1) }, fc.constant('')) }),
  fc.record(
    { op: fc.constant('egress' as const), topic: fc.oneof({ weight: 30, arbitrary: text(8, 1) }, fc.constant('')), key: text(6) },
    { requiredKeys: ['op', 'topic'] },
  ),
  fc.record({ op: fc.constant('noop' as const), note: text(8) }),
);

const stringMessage = fc.oneof(
  fc.constantFrom('', 'k', 'n', 'kafka', 'news', 'hello'),
  text(12),
  fc.tuple(fc.constantFrom('k', 'n'), text(8)).map(([head, tail]) => head + tail),
);

/** Message arguments, weighted towards the kinds the functions handle. */
const argument: fc.Arbitrary<WireTypedValue> = fc.oneof(
  { weight: 80, arbitrary: int32.map(wrapInt) },
  { weight: 80, arbitrary: stringMessage.map(wrapString) },
  { weight: 40, arbitrary: fc.boolean().map(wrapBool) },
  { weight: 40, arbitrary: float32.map(wrapFloat) },
  { weight: 80, arbitrary: command.map((value) => wrapJson(COMMAND_TYPENAME, value)) },
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.constantFrom('kf.diff/Unknown', 'io.statefun.types/long', ''), fc.uint8Array({ maxLength: 8 }))
      .map(([typename, value]) => present(typename, value)),
  },
  // has_value=false, as a value-less TypedValue: see official-functions.ts for how each SDK reads it.
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(TYPENAMES.int, TYPENAMES.string, TYPENAMES.bool, TYPENAMES.float)
      .map((typename) => ({ typename, hasValue: false, value: EMPTY })),
  },
  { weight: 1, arbitrary: fc.constant({ typename: COMMAND_TYPENAME, hasValue: false, value: EMPTY }) },
);

/** A stored value of the declared type, or one of the ways a value can be absent or wrong. */
function storedValue(valid: fc.Arbitrary<WireTypedValue>, typename: string): fc.Arbitrary<WireTypedValue | undefined> {
  return fc.oneof(
    { weight: 40, arbitrary: valid },
    // Absent value: has_value=false, whatever the typename and bytes say.
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(typename, ''), fc.oneof(fc.constant(EMPTY), fc.uint8Array({ maxLength: 6 })))
        .map(([name, value]) => ({ typename: name, hasValue: false, value })),
    },
    // A PersistedValue without any state_value.
    { weight: 2, arbitrary: fc.constant(undefined) },
    // A value of another type: both SDKs fail, but only if the function reads it.
    { weight: 1, arbitrary: fc.constant(typename === TYPENAMES.string ? wrapInt(7) : wrapString('not mine')) },
  );
}

const ACCOUNT_STATE_VALUES: ReadonlyArray<[string, fc.Arbitrary<WireTypedValue | undefined>]> = [
  ['count', storedValue(int32.map(wrapInt), TYPENAMES.int)],
  ['label', storedValue(text(10).map(wrapString), TYPENAMES.string)],
  ['flag', storedValue(fc.boolean().map(wrapBool), TYPENAMES.bool)],
  ['ratio', storedValue(float32.map(wrapFloat), TYPENAMES.float)],
  ['profile', storedValue(profile.map((value) => wrapJson(PROFILE_TYPENAME, value)), PROFILE_TYPENAME)],
];
const ECHO_STATE_VALUES: ReadonlyArray<[string, fc.Arbitrary<WireTypedValue | undefined>]> = [
  ['seen', storedValue(int32.map(wrapInt), TYPENAMES.int)],
];

/**
 * The state a batch carries: usually every declared value (so the batch runs), otherwise a
 * random subset (so it is answered with IncompleteInvocationContext); sometimes values the
 * function does not declare, and rarely a declared name twice. In random order.
 */
function stateFor(declared: ReadonlyArray<[string, fc.Arbitrary<WireTypedValue | undefined>]>): fc.Arbitrary<WireState[]> {
  const entries = declared.map(([stateName, value]) =>
    fc.record({ stateName: fc.constant(stateName), stateValue: value, keep: fc.boolean(), order: fc.nat() }),
  );
  const extra = fc.array(
    fc.record({
      stateName: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom('unrelated', 'old_state') },
        { weight: 1, arbitrary: fc.constantFrom('count', 'seen') },
      ),
      stateValue: fc.option(int32.map(wrapInt), { nil: undefined }),
      keep: fc.constant(true),
      order: fc.nat(),
    }),
    { maxLength: 2 },
  );
  return fc
    .tuple(fc.oneof({ weight: 7, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }), fc.tuple(...entries), extra)
    .map(([complete, values, extras]) => {
      const chosen = values.filter((value) => complete || value.keep);
      return [...chosen, ...extras].sort((a, b) => a.order - b.order).map(({ stateName, stateValue }) => ({ stateName, stateValue }));
    });
}

function batchFor(
  target: fc.Arbitrary<WireAddress | undefined>,
  state: fc.Arbitrary<WireState[]>,
): fc.Arbitrary<DiffCase> {
  return fc.record({
    hasBatch: fc.constant(true),
    target,
    state,
    // Batch sizes uniform in 1..20 (fc.array alone favours short arrays).
    invocations: fc
      .integer({ min: 1, max: 20 })
      .chain((size) => fc.array(fc.record({ caller, argument }), { minLength: size, maxLength: size })),
  });
}

const address = (typename: string) => (instance: string): WireAddress => {
  const slash = typename.lastIndexOf('/');
  return { namespace: typename.slice(0, slash), type: typename.slice(slash + 1), id: instance };
};

/** Requests to the account (most), the echo, an unknown function, no target, no batch. */
export const arbitraryCase: fc.Arbitrary<DiffCase> = fc.oneof(
  { weight: 70, arbitrary: batchFor(id.map(address(ACCOUNT)), stateFor(ACCOUNT_STATE_VALUES)) },
  { weight: 25, arbitrary: batchFor(id.map(address(ECHO)), stateFor(ECHO_STATE_VALUES)) },
  { weight: 1, arbitrary: batchFor(id.map(address('kf.diff/nobody')), fc.constant([])) },
  { weight: 1, arbitrary: batchFor(fc.constant(undefined), stateFor(ACCOUNT_STATE_VALUES)) },
  { weight: 1, arbitrary: fc.constant<DiffCase>({ hasBatch: false, target: undefined, state: [], invocations: [] }) },
);

/** One header of Keyflow's extension field 1000 (`io.keyflow.sdk.Header`). */
export interface WireHeader {
  key: string;
  value: Uint8Array;
}

/**
 * The ToFunction bytes of a case, written by protobuf-es; with `headers`, every invocation
 * carries them in Keyflow's extension field, which the official SDK does not know.
 */
export function encodeCase(diffCase: DiffCase, headers: readonly WireHeader[] = []): Uint8Array {
  if (!diffCase.hasBatch) return toBinary(ToFunctionSchema, create(ToFunctionSchema));
  return toBinary(
    ToFunctionSchema,
    create(ToFunctionSchema, {
      request: {
        case: 'invocation',
        value: {
          target: diffCase.target,
          state: diffCase.state,
          invocations: diffCase.invocations.map((invocation) => ({ ...invocation, headers: [...headers] })),
        },
      },
    }),
  );
}
