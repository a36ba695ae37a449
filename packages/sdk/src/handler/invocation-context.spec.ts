import { create, fromBinary } from '@bufbuild/protobuf';
import {
  KeyflowError,
  SdkErrorCodes,
  StatefulFunction,
  Types,
  customType,
  egressMessage,
  jsonType,
  kafkaEgressMessage,
  kinesisEgressMessage,
  protobufType,
  type Context,
  type Message,
} from '@keyflow/sdk';
import { KafkaProducerRecordSchema } from '../generated/io/statefun/sdk/egress/kafka-egress_pb';
import { KinesisEgressRecordSchema } from '../generated/io/statefun/sdk/egress/kinesis-egress_pb';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { defined, effectsOf, invoke } from '../test-support/run-function';
import { BUILTIN_TYPENAMES, unwrapped, wrapped } from '../test-support/typed-values';
import { address } from '../test-support/wire-messages';

const SELF = address('test/sender', 'me');
const INBOX = { typename: 'test/inbox', id: 'ann' };
const PB_INBOX = { namespace: 'test', type: 'inbox', id: 'ann' };
const Greeting = jsonType<{ text: string }>('example/Greeting');
const KafkaRecord = protobufType(KafkaProducerRecordSchema);
const Pair = customType<[number, number]>('example/Pair', ([a, b]) => Uint8Array.of(a, b), (bytes) => [bytes[0] ?? 0, bytes[1] ?? 0]);

/** Runs `body` as the function's apply, on one message, and returns the effects. */
async function effectsOfApply(body: (ctx: Context) => void) {
  @StatefulFunction('test/sender')
  class Sender {
    apply(ctx: Context): void {
      body(ctx);
    }
  }
  return effectsOf([Sender], { target: SELF, invocations: [{ argument: wrapped.string('go') }] });
}

/** Runs `body` as the function's apply and returns the KF_FUNCTION_FAILED error's cause. */
async function failureCauseOf(body: (ctx: Context) => void): Promise<unknown> {
  @StatefulFunction('test/sender')
  class Sender {
    apply(ctx: Context): void {
      body(ctx);
    }
  }
  const error = await expectRejectsCode(
    invoke([Sender], { target: SELF, invocations: [{ argument: wrapped.string('go') }] }),
    SdkErrorCodes.FUNCTION_FAILED,
  );
  return error.cause;
}

describe('ctx.send', () => {
  it('sends a value of every built-in type, serialized like the reference wrappers', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.send({ target: INBOX, value: true, type: Types.bool });
      ctx.send({ target: INBOX, value: -7, type: Types.int });
      ctx.send({ target: INBOX, value: 2 ** 53 - 1, type: Types.long });
      ctx.send({ target: INBOX, value: 0.25, type: Types.float });
      ctx.send({ target: INBOX, value: 1e300, type: Types.double });
      ctx.send({ target: INBOX, value: 'ça va', type: Types.string });
    });

    expect(effects.outgoingMessages.map((m) => m.target)).toEqual(Array(6).fill(PB_INBOX));
    const args = effects.outgoingMessages.map((m) => defined(m.argument));
    expect(args.map((a) => [a.typename, a.hasValue])).toEqual([
      [BUILTIN_TYPENAMES.bool, true],
      [BUILTIN_TYPENAMES.int, true],
      [BUILTIN_TYPENAMES.long, true],
      [BUILTIN_TYPENAMES.float, true],
      [BUILTIN_TYPENAMES.double, true],
      [BUILTIN_TYPENAMES.string, true],
    ]);
    const [bool, int, long, float, double, string] = args.map((a) => a.value);
    expect(unwrapped.bool(defined(bool))).toBe(true);
    expect(unwrapped.int(defined(int))).toBe(-7);
    expect(unwrapped.long(defined(long))).toBe(BigInt(2 ** 53 - 1));
    expect(unwrapped.float(defined(float))).toBe(0.25);
    expect(unwrapped.double(defined(double))).toBe(1e300);
    expect(unwrapped.string(defined(string))).toBe('ça va');
  });

  it('sends JSON, protobuf and custom values with their typenames', async () => {
    const record = create(KafkaProducerRecordSchema, { key: 'k', topic: 't' });
    const effects = await effectsOfApply((ctx) => {
      ctx.send({ target: INBOX, value: { text: 'hi' }, type: Greeting });
      ctx.send({ target: INBOX, value: record, type: KafkaRecord });
      ctx.send({ target: INBOX, value: [3, 4], type: Pair });
    });
    const [json, proto, custom] = effects.outgoingMessages.map((m) => defined(m.argument));
    expect(json?.typename).toBe('example/Greeting');
    expect(JSON.parse(Buffer.from(defined(json).value).toString('utf8'))).toEqual({ text: 'hi' });
    expect(proto?.typename).toBe('type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord');
    expect(fromBinary(KafkaProducerRecordSchema, defined(proto).value)).toEqual(record);
    expect(custom).toEqual({ typename: 'example/Pair', hasValue: true, value: Uint8Array.of(3, 4) });
  });

  it('sends a string without a type as io.statefun.types/string', async () => {
    const effects = await effectsOfApply((ctx) => ctx.send({ target: INBOX, value: 'plain' }));
    const argument = defined(effects.outgoingMessages[0]?.argument);
    expect(argument.typename).toBe(BUILTIN_TYPENAMES.string);
    expect(unwrapped.string(argument.value)).toBe('plain');
  });

  it('sends to ctx.self and ctx.caller-shaped addresses with nested namespaces', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.send({ target: ctx.self, value: 'again' });
      ctx.send({ target: { typename: 'com.example/fns/inbox', id: 'x' }, value: 'nested' });
    });
    expect(effects.outgoingMessages.map((m) => m.target)).toEqual([
      { namespace: 'test', type: 'sender', id: 'me' },
      { namespace: 'com.example/fns', type: 'inbox', id: 'x' },
    ]);
  });

  it('keeps messages in the order they were sent, across the invocations of a batch', async () => {
    @StatefulFunction('test/sender')
    class Echo {
      apply(ctx: Context, msg: Message): void {
        ctx.send({ target: INBOX, value: `${msg.asString()}-1` });
        ctx.send({ target: INBOX, value: `${msg.asString()}-2` });
      }
    }
    const effects = await effectsOf([Echo], {
      target: SELF,
      invocations: [{ argument: wrapped.string('a') }, { argument: wrapped.string('b') }],
    });
    expect(effects.outgoingMessages.map((m) => unwrapped.string(defined(m.argument).value))).toEqual([
      'a-1',
      'a-2',
      'b-1',
      'b-2',
    ]);
  });

  it.each([
    ['a non-string value without a type', (ctx: Context) => ctx.send({ target: INBOX, value: 5 } as never)],
    ['an undefined value', (ctx: Context) => ctx.send({ target: INBOX, value: undefined } as never)],
    ['no target', (ctx: Context) => ctx.send({ value: 'x' } as never)],
    ['a target without an id', (ctx: Context) => ctx.send({ target: { typename: 'test/inbox', id: '' }, value: 'x' })],
  ])('fails the function, caused by KF_INVALID_MESSAGE, for %s', async (_name, body) => {
    const cause = await failureCauseOf(body);
    expect(cause).toBeInstanceOf(KeyflowError);
    expect((cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_MESSAGE);
  });

  it('fails the function, caused by KF_INVALID_TYPENAME, for a target typename without a namespace', async () => {
    const cause = await failureCauseOf((ctx) => ctx.send({ target: { typename: 'inbox', id: 'x' }, value: 'x' }));
    expect((cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_TYPENAME);
  });
});

describe('ctx.sendAfter', () => {
  it('sends a delayed message after a number of milliseconds, without a cancellation token', async () => {
    const effects = await effectsOfApply((ctx) => ctx.sendAfter(1500, { target: INBOX, value: 7, type: Types.int }));
    expect(effects.outgoingMessages).toEqual([]);
    expect(effects.delayedInvocations).toEqual([
      {
        isCancellationRequest: false,
        cancellationToken: '',
        delayInMs: 1500,
        target: PB_INBOX,
        argument: wrapped.int(7),
      },
    ]);
  });

  it('accepts a duration string and a cancellation token, and a string without a type', async () => {
    const effects = await effectsOfApply((ctx) => ctx.sendAfter('1s', { target: INBOX, value: 'tick' }, 'token-1'));
    expect(effects.delayedInvocations).toEqual([
      {
        isCancellationRequest: false,
        cancellationToken: 'token-1',
        delayInMs: 1000,
        target: PB_INBOX,
        argument: wrapped.string('tick'),
      },
    ]);
  });

  it.each([
    ['5m', 300_000],
    ['250ms', 250],
    [0, 0],
  ] as const)('converts the delay %j to %d ms', async (delay, millis) => {
    const effects = await effectsOfApply((ctx) => ctx.sendAfter(delay, { target: INBOX, value: 'x' }));
    expect(effects.delayedInvocations[0]?.delayInMs).toBe(millis);
  });

  it.each([
    ['a negative delay', -1],
    ['a delay without a unit', '10'],
    ['an unknown unit', '10 weeks'],
  ])('fails the function, caused by KF_INVALID_DURATION, for %s', async (_name, delay) => {
    const cause = await failureCauseOf((ctx) => ctx.sendAfter(delay as never, { target: INBOX, value: 'x' }));
    expect((cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_DURATION);
  });

  it('fails the function, caused by KF_INVALID_MESSAGE, for an egress record', async () => {
    const record = kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 'v' });
    const cause = await failureCauseOf((ctx) => ctx.sendAfter(10, record as never));
    expect((cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_MESSAGE);
  });
});

describe('ctx.cancelDelayedMessage', () => {
  it('adds a cancellation request with only the token', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.sendAfter('1h', { target: INBOX, value: 'reminder' }, 'reminder-1');
      ctx.cancelDelayedMessage('reminder-1');
    });
    expect(effects.delayedInvocations[1]).toEqual({
      isCancellationRequest: true,
      cancellationToken: 'reminder-1',
      delayInMs: 0,
      target: undefined,
      argument: undefined,
    });
    expect(effects.delayedInvocations[0]?.isCancellationRequest).toBe(false);
  });

  it('fails the function, caused by KF_INVALID_MESSAGE, for an empty token', async () => {
    const cause = await failureCauseOf((ctx) => ctx.cancelDelayedMessage(''));
    expect((cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_MESSAGE);
  });
});

describe('egress records', () => {
  it('sends a Kafka record that the generated KafkaProducerRecord schema reads', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.send(kafkaEgressMessage({ egress: 'test/kafka-out', topic: 'greetings', key: 'ann', value: 'hi ann' }));
      ctx.send(kafkaEgressMessage({ egress: 'test/kafka-out', topic: 'raw', value: Uint8Array.of(1, 2, 3) }));
      ctx.send(kafkaEgressMessage({ egress: 'test/kafka-out', topic: 'typed', value: 42, type: Types.int }));
    });
    const [text, raw, typed] = effects.outgoingEgresses;
    expect(text?.egressNamespace).toBe('test');
    expect(text?.egressType).toBe('kafka-out');
    expect(text?.argument?.typename).toBe('type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord');
    expect(text?.argument?.hasValue).toBe(true);
    const decode = (bytes: Uint8Array | undefined) => fromBinary(KafkaProducerRecordSchema, defined(bytes));
    expect(decode(text?.argument?.value)).toMatchObject({ key: 'ann', topic: 'greetings', valueBytes: Buffer.from('hi ann') });
    expect(decode(raw?.argument?.value)).toMatchObject({ key: '', topic: 'raw', valueBytes: Uint8Array.of(1, 2, 3) });
    expect(unwrapped.int(decode(typed?.argument?.value).valueBytes)).toBe(42);
  });

  it("sends a Kafka record's headers in Keyflow's extension field, and passes an incoming message's headers on", async () => {
    @StatefulFunction('test/sender')
    class Relay {
      apply(ctx: Context, msg: Message): void {
        ctx.send(kafkaEgressMessage({ egress: 'test/kafka-out', topic: 'greetings', value: 'hi', headers: { 'trace-id': 't-1', tag: ['a', Uint8Array.of(0xff)] } }));
        ctx.send(kafkaEgressMessage({ egress: 'test/kafka-out', topic: 'greetings', value: 'hi', headers: msg.headers }));
      }
    }
    const incoming = [
      { key: 'tag', value: Uint8Array.of(1) },
      { key: 'other', value: Uint8Array.of(2) },
      { key: 'tag', value: Uint8Array.of(3) },
    ];
    const effects = await effectsOf([Relay], { target: SELF, invocations: [{ argument: wrapped.string('go'), headers: incoming }] });
    const [own, passedOn] = effects.outgoingEgresses.map((egress) => fromBinary(KafkaProducerRecordSchema, defined(egress.argument?.value)).headers);
    const pairs = (headers: { key: string; value: Uint8Array }[] | undefined) => headers?.map(({ key, value }) => [key, Buffer.from(value).toString('hex')]);
    expect(pairs(own)).toEqual([
      ['trace-id', Buffer.from('t-1').toString('hex')],
      ['tag', '61'],
      ['tag', 'ff'],
    ]);
    expect(pairs(passedOn)).toEqual([
      ['tag', '01'],
      ['other', '02'],
      ['tag', '03'],
    ]);
  });

  it('sends a Kinesis record that the generated KinesisEgressRecord schema reads', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.send(
        kinesisEgressMessage({
          egress: 'test/kinesis-out',
          stream: 'events',
          partitionKey: 'pk',
          explicitHashKey: '123',
          value: 'payload',
        }),
      );
      ctx.send(kinesisEgressMessage({ egress: 'test/kinesis-out', stream: 'events', partitionKey: 'pk', value: { a: 1 }, type: jsonType('example/A') }));
    });
    const [first, second] = effects.outgoingEgresses;
    expect(first?.egressType).toBe('kinesis-out');
    expect(first?.argument?.typename).toBe('type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord');
    const decode = (bytes: Uint8Array | undefined) => fromBinary(KinesisEgressRecordSchema, defined(bytes));
    expect(decode(first?.argument?.value)).toMatchObject({
      partitionKey: 'pk',
      stream: 'events',
      explicitHashKey: '123',
      valueBytes: Buffer.from('payload'),
    });
    expect(decode(second?.argument?.value).explicitHashKey).toBe('');
    expect(Buffer.from(decode(second?.argument?.value).valueBytes).toString()).toBe('{"a":1}');
  });

  it('sends a record of any type to any egress with egressMessage', async () => {
    const effects = await effectsOfApply((ctx) => {
      ctx.send(egressMessage({ egress: 'com.example/audit/log', value: { text: 'x' }, type: Greeting }));
    });
    expect(effects.outgoingEgresses).toEqual([
      {
        egressNamespace: 'com.example/audit',
        egressType: 'log',
        argument: { typename: 'example/Greeting', hasValue: true, value: Greeting.serialize({ text: 'x' }) },
      },
    ]);
  });

  it.each([
    ['an egress typename without a namespace', () => kafkaEgressMessage({ egress: 'out', topic: 't', value: 'v' }), SdkErrorCodes.INVALID_TYPENAME],
    ['an empty topic', () => kafkaEgressMessage({ egress: 'test/out', topic: '', value: 'v' }), SdkErrorCodes.INVALID_MESSAGE],
    ['a missing value', () => kafkaEgressMessage({ egress: 'test/out', topic: 't', value: undefined }), SdkErrorCodes.INVALID_MESSAGE],
    ['a number without a type', () => kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 5 }), SdkErrorCodes.INVALID_MESSAGE],
    ['Kafka headers that are not an object or a list', () => kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 'v', headers: 'trace=1' as never }), SdkErrorCodes.INVALID_MESSAGE],
    ['a Kafka header value that is a number', () => kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 'v', headers: { retries: 3 as never } }), SdkErrorCodes.INVALID_MESSAGE],
    ['a Kinesis record without a partition key', () => kinesisEgressMessage({ egress: 'test/out', stream: 's', partitionKey: '', value: 'v' }), SdkErrorCodes.INVALID_MESSAGE],
    ['a Kinesis record without a stream', () => kinesisEgressMessage({ egress: 'test/out', stream: '', partitionKey: 'p', value: 'v' }), SdkErrorCodes.INVALID_MESSAGE],
  ])('fails the function for %s', async (_name, build, code) => {
    const cause = await failureCauseOf((ctx) => ctx.send(build()));
    expect((cause as KeyflowError).code).toBe(code);
  });
});
