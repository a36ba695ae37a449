import { create } from '@bufbuild/protobuf';
import {
  type KeyflowError,
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  createRequestHandler,
  jsonType,
  protobufType,
  type Address,
  type Context,
  type Message,
} from '@keyflow/sdk';
import { PbExpireMode, createBatchHandler } from '@keyflow/sdk/protocol';
import { KafkaProducerRecordSchema } from '../generated/io/statefun/sdk/egress/kafka-egress_pb';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { effectsOf, invoke, missingSpecsOf } from '../test-support/run-function';
import { BUILTIN_TYPENAMES, noValue, typedValue, wrapped } from '../test-support/typed-values';
import { address, batch, invocationResult, missingValues, toFunction } from '../test-support/wire-messages';

const Profile = jsonType<{ name: string }>('example/Profile');
const SELF = address('test/fn', 'self-id');
const hello = { argument: wrapped.string('hello') };

describe('missing state', () => {
  @StatefulFunction('test/fn')
  class Declares {
    static calls = 0;
    @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) visits?: number;
    @ValueSpec({ type: Profile, expireAfterWrite: 5000 }) profile?: { name: string };
    @ValueSpec({ type: Types.string }) note?: string;
    @ValueSpec({ type: Types.bool, name: 'flag_v2', expireAfterWrite: '1d' }) flag?: boolean;

    apply(): void {
      Declares.calls++;
    }
  }

  beforeEach(() => {
    Declares.calls = 0;
  });

  it('answers IncompleteInvocationContext listing every declared spec when no state is attached', async () => {
    expect(await missingSpecsOf([Declares], { target: SELF, invocations: [hello] })).toEqual([
      {
        stateName: 'visits',
        typeTypename: BUILTIN_TYPENAMES.int,
        expirationSpec: { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: 1_800_000 },
      },
      {
        stateName: 'profile',
        typeTypename: 'example/Profile',
        expirationSpec: { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: 5000 },
      },
      { stateName: 'note', typeTypename: BUILTIN_TYPENAMES.string, expirationSpec: undefined },
      {
        stateName: 'flag_v2',
        typeTypename: BUILTIN_TYPENAMES.bool,
        expirationSpec: { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: 86_400_000 },
      },
    ]);
    expect(Declares.calls).toBe(0);
  });

  it('lists only the specs the request lacks, and runs nothing', async () => {
    const specs = await missingSpecsOf([Declares], {
      target: SELF,
      state: { visits: wrapped.int(1), note: noValue(BUILTIN_TYPENAMES.string), flag: wrapped.bool(true) },
      invocations: [hello],
    });
    // 'flag' is not the wire name: the state is called flag_v2, so it is still missing.
    expect(specs.map((spec) => spec.stateName)).toEqual(['profile', 'flag_v2']);
    expect(Declares.calls).toBe(0);
  });

  it('runs the batch once every declared value is attached, even without values', async () => {
    await effectsOf([Declares], {
      target: SELF,
      state: {
        visits: noValue(BUILTIN_TYPENAMES.int),
        profile: noValue('example/Profile'),
        note: undefined,
        flag_v2: noValue(BUILTIN_TYPENAMES.bool),
        unrelated: wrapped.int(9),
      },
      invocations: [hello, hello],
    });
    expect(Declares.calls).toBe(2);
  });

  it.each([
    ['250ms', 250],
    ['1s', 1000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    [0, 0],
    [1234, 1234],
  ] as const)('converts expireAfterCall %j to %d ms', async (duration, millis) => {
    @StatefulFunction('test/fn')
    class Expiring {
      @ValueSpec({ type: Types.int, expireAfterCall: duration }) v?: number;
      apply(): void {}
    }
    const [spec] = await missingSpecsOf([Expiring], { target: SELF, invocations: [hello] });
    expect(spec?.expirationSpec).toEqual({ mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: millis });
  });
});

describe('invocations of a batch', () => {
  it('run one at a time, in order, each awaited before the next starts', async () => {
    const events: string[] = [];
    @StatefulFunction('test/fn')
    class Slow {
      async apply(_ctx: Context, msg: Message): Promise<void> {
        const name = msg.asString();
        events.push(`start ${name}`);
        // The first message waits longest: a handler that did not await would finish it last.
        await new Promise((resolve) => setTimeout(resolve, name === 'first' ? 15 : name === 'second' ? 5 : 0));
        await Promise.resolve();
        events.push(`end ${name}`);
      }
    }
    await effectsOf([Slow], {
      target: SELF,
      invocations: ['first', 'second', 'third'].map((name) => ({ argument: wrapped.string(name) })),
    });
    expect(events).toEqual(['start first', 'end first', 'start second', 'end second', 'start third', 'end third']);
  });

  it('see ctx.self and each its own ctx.caller (undefined when the message has none)', async () => {
    const seen: { self: Address; caller: Address | undefined }[] = [];
    @StatefulFunction('test/fn')
    class Who {
      apply(ctx: Context): void {
        seen.push({ self: ctx.self, caller: ctx.caller });
      }
    }
    await effectsOf([Who], {
      target: SELF,
      invocations: [
        { argument: wrapped.string('a'), caller: address('other.ns/sender', 'bob') },
        { argument: wrapped.string('b') },
        { argument: wrapped.string('c'), caller: address('x/y', 'z') },
      ],
    });
    expect(seen).toEqual([
      { self: { typename: 'test/fn', id: 'self-id' }, caller: { typename: 'other.ns/sender', id: 'bob' } },
      { self: { typename: 'test/fn', id: 'self-id' }, caller: undefined },
      { self: { typename: 'test/fn', id: 'self-id' }, caller: { typename: 'x/y', id: 'z' } },
    ]);
  });

  it("see each its own Kafka record headers in msg.headers (Keyflow's extension), empty when it has none", async () => {
    const seen: { headers: [string, string | null][]; trace: string | null | undefined; tag: string | null | undefined }[] = [];
    @StatefulFunction('test/fn')
    class ReadsHeaders {
      apply(_ctx: Context, msg: Message): void {
        seen.push({
          headers: msg.headers.map(({ key, value }) => [key, value === null ? null : Buffer.from(value).toString('hex')]),
          trace: msg.header('trace-id'),
          tag: msg.header('tag'),
        });
      }
    }
    const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
    await effectsOf([ReadsHeaders], {
      target: SELF,
      invocations: [
        {
          argument: wrapped.string('a'),
          headers: [
            { key: 'trace-id', value: utf8('t-1') },
            { key: 'tag', value: utf8('first') },
            { key: 'tag', value: Uint8Array.of(0xff, 0x00) },
            { key: 'tag', value: utf8('last') },
          ],
        },
        { argument: wrapped.string('b') },
        { argument: wrapped.string('c'), headers: [{ key: 'trace-id', value: utf8('t-3') }] },
      ],
    });
    expect(seen).toEqual([
      {
        headers: [
          ['trace-id', Buffer.from('t-1').toString('hex')],
          ['tag', Buffer.from('first').toString('hex')],
          ['tag', 'ff00'],
          ['tag', Buffer.from('last').toString('hex')],
        ],
        trace: 't-1',
        tag: 'last',
      },
      { headers: [], trace: undefined, tag: undefined },
      { headers: [['trace-id', Buffer.from('t-3').toString('hex')]], trace: 't-3', tag: undefined },
    ]);
  });

  it('reach the function registered for the target typename, among several', async () => {
    const calls: string[] = [];
    @StatefulFunction('test/one')
    class One {
      apply(): void {
        calls.push('one');
      }
    }
    @StatefulFunction('test/two')
    class Two {
      apply(): void {
        calls.push('two');
      }
    }
    const handle = createRequestHandler([One, Two]);
    await handle(toFunction({ target: address('test/two', 'x'), invocations: [hello] }));
    await handle(toFunction({ target: address('test/one', 'x'), invocations: [hello] }));
    expect(calls).toEqual(['two', 'one']);
  });

  it('may be none: the function is not called and the result is empty', async () => {
    let called = false;
    @StatefulFunction('test/fn')
    class Idle {
      apply(): void {
        called = true;
      }
    }
    const effects = await effectsOf([Idle], { target: SELF });
    expect(called).toBe(false);
    expect(effects).toEqual({ stateMutations: [], outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] });
  });
});

describe('messages of every type', () => {
  const KafkaRecord = protobufType(KafkaProducerRecordSchema);
  const record = create(KafkaProducerRecordSchema, { key: 'k', topic: 't', valueBytes: Uint8Array.of(1) });
  const cases = [
    ['bool', wrapped.bool(true), (m: Message) => [m.isBool(), m.asBool(), m.as(Types.bool)], true],
    ['int', wrapped.int(-42), (m: Message) => [m.isInt(), m.asInt(), m.as(Types.int)], -42],
    ['long', wrapped.long(2 ** 52 + 1), (m: Message) => [m.isLong(), m.asLong(), m.as(Types.long)], 2 ** 52 + 1],
    ['float', wrapped.float(-0.5), (m: Message) => [m.isFloat(), m.asFloat(), m.as(Types.float)], -0.5],
    ['double', wrapped.double(Math.PI), (m: Message) => [m.isDouble(), m.asDouble(), m.as(Types.double)], Math.PI],
    ['string', wrapped.string('ünï'), (m: Message) => [m.isString(), m.asString(), m.as(Types.string)], 'ünï'],
  ] as const;

  it.each(cases)('delivers a %s message readable with is/as and the shorthand', async (_name, argument, read, expected) => {
    let result: readonly unknown[] = [];
    let typename = '';
    @StatefulFunction('test/fn')
    class Reads {
      apply(_ctx: Context, msg: Message): void {
        typename = msg.typename;
        result = read(msg);
      }
    }
    await effectsOf([Reads], { target: SELF, invocations: [{ argument }] });
    expect(typename).toBe(argument.typename);
    expect(result).toEqual([true, expected, expected]);
  });

  it('delivers JSON and protobuf messages and their raw bytes', async () => {
    const seen: unknown[] = [];
    @StatefulFunction('test/fn')
    class Reads {
      apply(_ctx: Context, msg: Message): void {
        if (msg.is(Profile)) seen.push(msg.as(Profile), msg.isString());
        if (msg.is(KafkaRecord)) seen.push(msg.as(KafkaRecord), msg.rawValue.length > 0);
      }
    }
    await effectsOf([Reads], {
      target: SELF,
      invocations: [{ argument: typedValue(Profile, { name: 'zoë' }) }, { argument: typedValue(KafkaRecord, record) }],
    });
    expect(seen).toEqual([{ name: 'zoë' }, false, record, true]);
  });

  it('fails the function, caused by KF_TYPE_MISMATCH, when a message is read as another type', async () => {
    @StatefulFunction('test/fn')
    class Misreads {
      apply(_ctx: Context, msg: Message): void {
        msg.asInt();
      }
    }
    const error = await expectRejectsCode(
      invoke([Misreads], { target: SELF, invocations: [hello] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.TYPE_MISMATCH);
  });

  it('delivers an invocation without an argument as an empty message', async () => {
    let typename: string | undefined;
    @StatefulFunction('test/fn')
    class Empty {
      apply(_ctx: Context, msg: Message): void {
        typename = msg.typename;
      }
    }
    await createBatchHandler([Empty])({ target: SELF, state: [], invocations: [{ caller: undefined, argument: undefined }] });
    expect(typename).toBe('');
  });
});

describe('a function that fails', () => {
  @StatefulFunction('test/fn')
  class Fails {
    @ValueSpec({ type: Types.int }) count?: number;

    async apply(ctx: Context<Fails>, msg: Message): Promise<void> {
      ctx.storage.count = (ctx.storage.count ?? 0) + 1;
      ctx.send({ target: { typename: 'test/other', id: 'x' }, value: 'side effect' });
      ctx.sendAfter(1000, { target: { typename: 'test/other', id: 'x' }, value: 'later' });
      const command = msg.asString();
      if (command === 'throw') throw new Error('boom');
      if (command === 'reject') await Promise.reject(new TypeError('async boom'));
      if (command === 'throw-string') throw 'not an Error'; // eslint-disable-line @typescript-eslint/only-throw-error
    }
  }

  const run = (...commands: string[]) =>
    invoke([Fails], {
      target: SELF,
      state: { count: wrapped.int(0) },
      invocations: commands.map((command) => ({ argument: wrapped.string(command) })),
    });

  it.each(['throw', 'reject', 'throw-string'])('rejects with KF_FUNCTION_FAILED when it does %s', async (command) => {
    const error = await expectRejectsCode(run('ok', command, 'ok'), SdkErrorCodes.FUNCTION_FAILED);
    expect(error.retryable).toBe(false);
  });

  it('keeps the thrown error as the cause and names the class in the message', async () => {
    const error = await expectRejectsCode(run('throw'), SdkErrorCodes.FUNCTION_FAILED);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('boom');
    expect(error.message).toContain('Fails');
  });

  it('returns no effect of the failed batch, and the next batch carries only its own', async () => {
    const handle = createBatchHandler([Fails]);
    const failing = batch({
      target: SELF,
      state: { count: wrapped.int(0) },
      invocations: [{ argument: wrapped.string('ok') }, { argument: wrapped.string('throw') }],
    });
    await expectRejectsCode(handle(failing), SdkErrorCodes.FUNCTION_FAILED);

    const effects = invocationResult(
      await handle(batch({ target: SELF, state: { count: wrapped.int(10) }, invocations: [{ argument: wrapped.string('ok') }] })),
    );
    expect(effects.stateMutations).toHaveLength(1);
    expect(effects.outgoingMessages).toHaveLength(1);
    expect(effects.delayedInvocations).toHaveLength(1);
  });
});

describe('createBatchHandler', () => {
  @StatefulFunction('test/fn')
  class Counter {
    @ValueSpec({ type: Types.int, expireAfterWrite: '1s' }) count?: number;
    apply(ctx: Context<Counter>): void {
      ctx.storage.count = (ctx.storage.count ?? 0) + 1;
    }
  }

  it('answers decoded batches with decoded responses', async () => {
    const handle = createBatchHandler([Counter]);
    expect(missingValues(await handle(batch({ target: SELF, invocations: [hello] })))).toEqual([
      {
        stateName: 'count',
        typeTypename: BUILTIN_TYPENAMES.int,
        expirationSpec: { mode: PbExpireMode.AFTER_WRITE, expireAfterMillis: 1000 },
      },
    ]);
    const effects = invocationResult(
      await handle(batch({ target: SELF, state: { count: wrapped.int(1) }, invocations: [hello, hello] })),
    );
    expect(effects.stateMutations[0]?.stateValue).toEqual(wrapped.int(3));
  });

  it('rejects a batch for an unknown function with KF_UNKNOWN_FUNCTION', async () => {
    await expectRejectsCode(
      createBatchHandler([Counter])(batch({ target: address('test/nope', 'x'), invocations: [hello] })),
      SdkErrorCodes.UNKNOWN_FUNCTION,
    );
  });

  it('rejects a batch without a target with KF_BAD_REQUEST', async () => {
    await expectRejectsCode(createBatchHandler([Counter])(batch({ invocations: [hello] })), SdkErrorCodes.BAD_REQUEST);
  });
});
