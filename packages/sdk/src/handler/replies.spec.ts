import { fromBinary } from '@bufbuild/protobuf';
import {
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  jsonType,
  type Address,
  type Context,
  type Message,
} from '@keyflow/sdk';
import { ReplySchema, RequestSchema } from '../generated/io/keyflow/sdk/request_pb';
import { KeyflowError } from '../errors/keyflow-error';
import { REPLY_TYPENAME, REQUEST_TYPENAME, encodeReplyEnvelope, encodeRequestEnvelope } from '../protocol/keyflow-envelopes';
import type { PbTypedValue } from '../protocol/wire-types';
import { FakeRuntime } from '../test-support/fake-runtime';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { defined, effectsOf, invoke } from '../test-support/run-function';
import { wrapped } from '../test-support/typed-values';
import { address } from '../test-support/wire-messages';

const Balance = jsonType<{ cents: number }>('test/Balance');

/** Answers every message with its balance; a request gets it with the request's correlation id. */
@StatefulFunction('test/account')
class Account {
  @ValueSpec({ type: Types.int }) cents?: number;

  apply(ctx: Context<Account>, msg: Message): void {
    if (msg.asString() === 'deposit') ctx.storage.cents = (ctx.storage.cents ?? 0) + 100;
    ctx.reply({ cents: ctx.storage.cents ?? 0 }, Balance);
  }
}

const answers: { correlationId: string | undefined; cents: number; caller: Address | undefined }[] = [];

/** Asks its account for the balance and keeps the id of the open request. */
@StatefulFunction('test/customer')
class Customer {
  @ValueSpec({ type: Types.string }) pending?: string;

  apply(ctx: Context<Customer>, msg: Message): void {
    if (msg.is(Balance)) {
      answers.push({ correlationId: msg.correlationId, cents: msg.as(Balance).cents, caller: ctx.caller });
      if (msg.correlationId === ctx.storage.pending) ctx.storage.pending = undefined;
      return;
    }
    ctx.storage.pending = ctx.request({ target: { typename: 'test/account', id: ctx.self.id }, value: msg.asString() });
  }
}

const account = address('test/account', 'ann');
const customer = address('test/customer', 'ann');

beforeEach(() => {
  answers.length = 0;
});

describe('ctx.reply', () => {
  it('answers a plain message with a plain message to the caller, readable by any SDK', async () => {
    const effects = await effectsOf([Account], {
      target: account,
      state: { cents: wrapped.int(250) },
      invocations: [{ caller: customer, argument: wrapped.string('balance') }],
    });
    expect(effects.outgoingMessages).toEqual([
      { target: customer, argument: { typename: Balance.typename, hasValue: true, value: Balance.serialize({ cents: 250 }) } },
    ]);
  });

  it('throws KF_NO_CALLER for a message from an ingress (no caller)', async () => {
    const error = await expectRejectsCode(
      invoke([Account], { target: account, state: { cents: wrapped.int(1) }, invocations: [{ argument: wrapped.string('balance') }] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect(error.cause).toBeInstanceOf(KeyflowError);
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.NO_CALLER);
  });

  it('answers a request with a Reply carrying its correlation id, to replyTo when the request names one', async () => {
    const request = (replyTo?: typeof customer): PbTypedValue => ({
      typename: REQUEST_TYPENAME,
      hasValue: true,
      value: encodeRequestEnvelope({ correlationId: 'c-42', payload: wrapped.string('deposit'), replyTo }),
    });
    const teller = address('test/teller', 'desk-1');
    const effects = await effectsOf([Account], {
      target: account,
      state: { cents: wrapped.int(0) },
      invocations: [{ caller: customer, argument: request() }, { caller: customer, argument: request(teller) }],
    });
    const [toCaller, toTeller] = effects.outgoingMessages;
    expect(toCaller?.target).toEqual(customer);
    expect(toTeller?.target).toEqual(teller);
    expect(toCaller?.argument?.typename).toBe(REPLY_TYPENAME);
    const reply = fromBinary(ReplySchema, defined(toTeller?.argument).value);
    expect(reply.correlationId).toBe('c-42');
    expect(reply.payload?.typename).toBe(Balance.typename);
    expect(Balance.deserialize(defined(reply.payload).value)).toEqual({ cents: 200 });
  });
});

describe('ctx.request', () => {
  it('sends a Request envelope with a fresh correlation id, and returns that id', async () => {
    const effects = await effectsOf([Customer], {
      target: customer,
      state: { pending: undefined },
      invocations: [{ argument: wrapped.string('balance') }, { argument: wrapped.string('balance') }],
    });
    const requests = effects.outgoingMessages.map((message) => fromBinary(RequestSchema, defined(message.argument).value));
    expect(effects.outgoingMessages.map((message) => [message.target, message.argument?.typename])).toEqual([
      [account, REQUEST_TYPENAME],
      [account, REQUEST_TYPENAME],
    ]);
    expect(requests[0]?.payload).toMatchObject({ typename: 'io.statefun.types/string', value: wrapped.string('balance').value });
    expect(requests[0]?.replyTo).toBeUndefined();
    expect(requests[0]?.correlationId).not.toBe(requests[1]?.correlationId);
    const pending = defined(effects.stateMutations[0]?.stateValue);
    expect(Types.string.deserialize(pending.value)).toBe(requests[1]?.correlationId);
  });

  it('delivers the reply as a message with msg.correlationId (round trip through a runtime)', async () => {
    const runtime = new FakeRuntime([Account, Customer], 0);
    await runtime.send(customer, wrapped.string('deposit'));
    await runtime.send(customer, wrapped.string('balance'));
    const sentIds = runtime.sent
      .filter((message) => message.argument.typename === REQUEST_TYPENAME)
      .map((message) => fromBinary(RequestSchema, message.argument.value).correlationId);
    expect(answers).toEqual([
      { correlationId: sentIds[0], cents: 100, caller: { typename: 'test/account', id: 'ann' } },
      { correlationId: sentIds[1], cents: 100, caller: { typename: 'test/account', id: 'ann' } },
    ]);
    expect(runtime.stateOf(customer, 'pending')).toBeUndefined();
  });

  it('hands a reply without a correlation id (a plain answer) to the function as it came', async () => {
    await effectsOf([Customer], {
      target: customer,
      state: { pending: wrapped.string('c-1') },
      invocations: [
        { caller: account, argument: { typename: Balance.typename, hasValue: true, value: Balance.serialize({ cents: 7 }) } },
        {
          caller: account,
          argument: { typename: REPLY_TYPENAME, hasValue: true, value: encodeReplyEnvelope({ correlationId: 'c-1', payload: { typename: Balance.typename, hasValue: true, value: Balance.serialize({ cents: 8 }) } }) },
        },
      ],
    });
    expect(answers.map((answer) => [answer.correlationId, answer.cents])).toEqual([
      [undefined, 7],
      ['c-1', 8],
    ]);
  });

  it('rejects a request without a target with KF_INVALID_MESSAGE', async () => {
    @StatefulFunction('test/careless')
    class Careless {
      apply(ctx: Context): void {
        ctx.request({ target: undefined as unknown as Address, value: 'x' });
      }
    }
    const error = await expectRejectsCode(
      invoke([Careless], { target: address('test/careless', 'a'), invocations: [{ argument: wrapped.string('go') }] }),
      SdkErrorCodes.FUNCTION_FAILED,
    );
    expect((error.cause as KeyflowError).code).toBe(SdkErrorCodes.INVALID_MESSAGE);
  });

  it('answers KF_BAD_REQUEST for a malformed envelope, naming the function', async () => {
    await expectRejectsCode(
      invoke([Account], {
        target: account,
        state: { cents: wrapped.int(1) },
        invocations: [{ caller: customer, argument: { typename: REQUEST_TYPENAME, hasValue: true, value: Uint8Array.of(0x0a, 0x05, 0x01) } }],
      }),
      SdkErrorCodes.BAD_REQUEST,
    );
  });
});
