import { create, fromBinary } from '@bufbuild/protobuf';
import {
  KeyflowError,
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  jsonType,
  protobufType,
  type Context,
  type Message,
} from '@keyflow/sdk';
import { PbMutationType, createBatchHandler } from '@keyflow/sdk/protocol';
import { KafkaProducerRecordSchema, type KafkaProducerRecord } from '../generated/io/statefun/sdk/egress/kafka-egress_pb';
import { hex } from '../test-support/hex';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { defined, effectsOf, invoke } from '../test-support/run-function';
import { BUILTIN_TYPENAMES, noValue, typedValue, unwrapped, wrapped } from '../test-support/typed-values';
import { address } from '../test-support/wire-messages';

const Profile = jsonType<{ name: string; tags: string[] }>('example/Profile');
const KafkaRecord = protobufType(KafkaProducerRecordSchema);
const SELF = address('test/stateful', 'me');
const PING = { argument: wrapped.string('ping') };

describe('state of every built-in type', () => {
  @StatefulFunction('test/stateful')
  class AllTypes {
    static seen: Record<string, unknown> = {};
    @ValueSpec({ type: Types.bool }) flag?: boolean;
    @ValueSpec({ type: Types.int }) count?: number;
    @ValueSpec({ type: Types.long }) total?: number;
    @ValueSpec({ type: Types.float }) ratio?: number;
    @ValueSpec({ type: Types.double }) score?: number;
    @ValueSpec({ type: Types.string }) label?: string;

    apply(ctx: Context<AllTypes>): void {
      const s = ctx.storage;
      AllTypes.seen = { flag: s.flag, count: s.count, total: s.total, ratio: s.ratio, score: s.score, label: s.label };
      s.flag = !(s.flag ?? false);
      s.count = (s.count ?? 0) - 1;
      s.total = (s.total ?? 0) + 2 ** 40;
      s.ratio = (s.ratio ?? 0) / 2;
      s.score = (s.score ?? 0) * -3;
      s.label = `${s.label ?? ''}!`;
    }
  }

  it('reads values the reference serialized and writes values the reference reads', async () => {
    const effects = await effectsOf([AllTypes], {
      target: SELF,
      state: {
        flag: wrapped.bool(true),
        count: wrapped.int(-5),
        total: wrapped.long(2 ** 50),
        ratio: wrapped.float(1.5),
        score: wrapped.double(0.1),
        label: wrapped.string('héllo'),
      },
      invocations: [PING],
    });

    expect(AllTypes.seen).toEqual({ flag: true, count: -5, total: 2 ** 50, ratio: 1.5, score: 0.1, label: 'héllo' });
    const byName = Object.fromEntries(effects.stateMutations.map((m) => [m.stateName, m]));
    expect(Object.keys(byName)).toEqual(['flag', 'count', 'total', 'ratio', 'score', 'label']);
    for (const mutation of effects.stateMutations) {
      expect(mutation.mutationType).toBe(PbMutationType.MODIFY);
      expect(mutation.stateValue?.hasValue).toBe(true);
    }
    const value = (name: string) => defined(byName[name]?.stateValue, name);
    expect(value('flag').typename).toBe(BUILTIN_TYPENAMES.bool);
    expect(unwrapped.bool(value('flag').value)).toBe(false);
    expect(value('count').typename).toBe(BUILTIN_TYPENAMES.int);
    expect(unwrapped.int(value('count').value)).toBe(-6);
    expect(value('total').typename).toBe(BUILTIN_TYPENAMES.long);
    expect(unwrapped.long(value('total').value)).toBe(BigInt(2 ** 50 + 2 ** 40));
    expect(value('ratio').typename).toBe(BUILTIN_TYPENAMES.float);
    expect(unwrapped.float(value('ratio').value)).toBe(0.75);
    expect(value('score').typename).toBe(BUILTIN_TYPENAMES.double);
    expect(unwrapped.double(value('score').value)).toBe(0.1 * -3);
    expect(value('label').typename).toBe(BUILTIN_TYPENAMES.string);
    expect(unwrapped.string(value('label').value)).toBe('héllo!');
  });

  it('sees has_value=false and a missing state_value as undefined', async () => {
    const effects = await effectsOf([AllTypes], {
      target: SELF,
      state: {
        flag: noValue(BUILTIN_TYPENAMES.bool),
        count: noValue(BUILTIN_TYPENAMES.int),
        total: noValue(BUILTIN_TYPENAMES.long),
        ratio: noValue(BUILTIN_TYPENAMES.float),
        score: undefined,
        label: noValue(BUILTIN_TYPENAMES.string),
      },
      invocations: [PING],
    });

    expect(AllTypes.seen).toEqual({
      flag: undefined,
      count: undefined,
      total: undefined,
      ratio: undefined,
      score: undefined,
      label: undefined,
    });
    expect(effects.stateMutations).toHaveLength(6);
  });
});

describe('JSON and protobuf state', () => {
  @StatefulFunction('test/stateful')
  class Custom {
    static seen: { profile?: unknown; record?: KafkaProducerRecord | undefined } = {};
    @ValueSpec({ type: Profile }) profile?: { name: string; tags: string[] };
    @ValueSpec({ type: KafkaRecord }) record?: KafkaProducerRecord;

    apply(ctx: Context<Custom>): void {
      Custom.seen = { profile: ctx.storage.profile, record: ctx.storage.record };
      const profile = defined(ctx.storage.profile);
      ctx.storage.profile = { ...profile, tags: [...profile.tags, 'new'] };
      const record = defined(ctx.storage.record);
      ctx.storage.record = create(KafkaProducerRecordSchema, { ...record, topic: `${record.topic}-2` });
    }
  }

  it('reads and writes JSON and protobuf values', async () => {
    const record = create(KafkaProducerRecordSchema, { key: 'k', valueBytes: Uint8Array.of(7), topic: 't' });
    const effects = await effectsOf([Custom], {
      target: SELF,
      state: { profile: typedValue(Profile, { name: 'ann', tags: ['a'] }), record: typedValue(KafkaRecord, record) },
      invocations: [PING],
    });

    expect(Custom.seen.profile).toEqual({ name: 'ann', tags: ['a'] });
    expect(Custom.seen.record).toEqual(record);
    const [profile, written] = effects.stateMutations;
    expect(profile?.stateValue?.typename).toBe('example/Profile');
    expect(JSON.parse(Buffer.from(defined(profile?.stateValue).value).toString('utf8'))).toEqual({
      name: 'ann',
      tags: ['a', 'new'],
    });
    expect(written?.stateValue?.typename).toBe('type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord');
    expect(fromBinary(KafkaProducerRecordSchema, defined(written?.stateValue).value).topic).toBe('t-2');
  });
});

describe('state mutations', () => {
  @StatefulFunction('test/stateful')
  class Mutator {
    @ValueSpec({ type: Types.int }) a?: number;
    @ValueSpec({ type: Types.int }) b?: number;
    @ValueSpec({ type: Types.int }) c?: number;
    @ValueSpec({ type: Types.string, name: 'wire_name' }) d?: string;

    apply(ctx: Context<Mutator>, msg: Message): void {
      const command = msg.asString();
      if (command === 'read-only') void [ctx.storage.a, ctx.storage.b, ctx.storage.c, ctx.storage.d];
      if (command === 'delete-a') ctx.storage.a = undefined;
      if (command === 'set-a') ctx.storage.a = 42;
      if (command === 'null-b') (ctx.storage as Record<string, unknown>)['b'] = null;
      if (command === 'same-c') ctx.storage.c = ctx.storage.c ?? 0;
      if (command === 'increment-c') ctx.storage.c = (ctx.storage.c ?? 0) + 1;
      if (command === 'set-d') ctx.storage.d = 'set';
      if (command === 'unknown-property') (ctx.storage as Record<string, unknown>)['nope'] = 1;
      if (command === 'overflow-a') ctx.storage.a = 2 ** 40;
    }
  }

  const state = { a: wrapped.int(1), b: wrapped.int(2), c: wrapped.int(3), wire_name: wrapped.string('x') };
  const run = (...commands: string[]) =>
    effectsOf([Mutator], { target: SELF, state, invocations: commands.map((c) => ({ argument: wrapped.string(c) })) });

  it('produces no mutation for values that were not touched or only read', async () => {
    expect((await run('nothing')).stateMutations).toEqual([]);
    expect((await run('read-only')).stateMutations).toEqual([]);
  });

  it('produces DELETE with no value for a value set to undefined', async () => {
    expect((await run('delete-a')).stateMutations).toEqual([
      { mutationType: PbMutationType.DELETE, stateName: 'a', stateValue: undefined },
    ]);
  });

  it('treats null as undefined: DELETE', async () => {
    expect((await run('null-b')).stateMutations).toEqual([
      { mutationType: PbMutationType.DELETE, stateName: 'b', stateValue: undefined },
    ]);
  });

  it('produces MODIFY for every assignment, even of the same value', async () => {
    const [mutation, ...rest] = (await run('same-c')).stateMutations;
    expect(rest).toEqual([]);
    expect(mutation?.mutationType).toBe(PbMutationType.MODIFY);
    expect(mutation?.stateName).toBe('c');
    expect(hex(defined(mutation?.stateValue).value)).toBe(hex(wrapped.int(3).value));
  });

  it('uses the wire name given by the name option', async () => {
    const [mutation] = (await run('set-d')).stateMutations;
    expect(mutation?.stateName).toBe('wire_name');
    expect(unwrapped.string(defined(mutation?.stateValue).value)).toBe('set');
  });

  it('carries writes to later invocations of the batch and sends one mutation with the last value', async () => {
    const effects = await run('increment-c', 'increment-c', 'increment-c');
    expect(effects.stateMutations).toHaveLength(1);
    expect(unwrapped.int(defined(effects.stateMutations[0]?.stateValue).value)).toBe(6);
  });

  it('lists mutations in declaration order, whatever the order of the writes', async () => {
    const effects = await run('set-d', 'increment-c', 'delete-a');
    expect(effects.stateMutations.map((m) => m.stateName)).toEqual(['a', 'c', 'wire_name']);
  });

  it('keeps only the last of several writes to one value: delete then set is MODIFY, set then delete is DELETE', async () => {
    const [modify] = (await run('delete-a', 'set-a')).stateMutations;
    expect(modify?.mutationType).toBe(PbMutationType.MODIFY);
    expect(unwrapped.int(defined(modify?.stateValue).value)).toBe(42);
    expect((await run('set-a', 'delete-a')).stateMutations).toEqual([
      { mutationType: PbMutationType.DELETE, stateName: 'a', stateValue: undefined },
    ]);
  });

  it('takes the last value when the request attaches one state name twice', async () => {
    let seen: number | undefined;
    @StatefulFunction('test/stateful')
    class Twice {
      @ValueSpec({ type: Types.int }) a?: number;
      apply(ctx: Context<Twice>): void {
        seen = ctx.storage.a;
      }
    }
    await createBatchHandler([Twice])({
      target: SELF,
      state: [
        { stateName: 'a', stateValue: wrapped.int(1) },
        { stateName: 'a', stateValue: wrapped.int(2) },
      ],
      invocations: [{ caller: undefined, argument: wrapped.string('x') }],
    });
    expect(seen).toBe(2);
  });

  it('fails the function when it assigns a property that is not declared state', async () => {
    await expectRejectsCode(invoke([Mutator], { target: SELF, state, invocations: [{ argument: wrapped.string('unknown-property') }] }), SdkErrorCodes.FUNCTION_FAILED);
  });

  it('fails the function with a serialization cause when a written value cannot be serialized', async () => {
    const error = await expectRejectsCode(
      invoke([Mutator], { target: SELF, state, invocations: [{ argument: wrapped.string('overflow-a') }] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect(error.cause).toBeInstanceOf(KeyflowError);
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.SERIALIZATION_FAILED);
  });
});

describe('state that does not match its declaration', () => {
  @StatefulFunction('test/stateful')
  class Reader {
    @ValueSpec({ type: Types.int }) count?: number;
    @ValueSpec({ type: Profile }) profile?: { name: string; tags: string[] };

    apply(ctx: Context<Reader>, msg: Message): void {
      if (msg.asString() === 'count') void ctx.storage.count;
      else void ctx.storage.profile;
    }
  }

  it('fails the function, caused by KF_TYPE_MISMATCH, when the state holds another type', async () => {
    const error = await expectRejectsCode(
      invoke([Reader], {
        target: SELF,
        state: { count: wrapped.string('not an int'), profile: noValue('example/Profile') },
        invocations: [{ argument: wrapped.string('count') }],
      }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.TYPE_MISMATCH);
  });

  it('fails the function, caused by KF_SERIALIZATION_FAILED, when the bytes cannot be read', async () => {
    const error = await expectRejectsCode(
      invoke([Reader], {
        target: SELF,
        state: {
          count: noValue(BUILTIN_TYPENAMES.int),
          profile: { typename: 'example/Profile', hasValue: true, value: Buffer.from('{broken', 'utf8') },
        },
        invocations: [{ argument: wrapped.string('profile') }],
      }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.SERIALIZATION_FAILED);
  });

  it('does not fail a function that never reads the mismatched value', async () => {
    const effects = await effectsOf([Reader], {
      target: SELF,
      state: { count: wrapped.int(1), profile: wrapped.string('not json of Profile') },
      invocations: [{ argument: wrapped.string('count') }],
    });
    expect(effects.stateMutations).toEqual([]);
  });
});
