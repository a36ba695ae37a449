import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { SdkErrorCodes, StatefulFunction, Types, ValueSpec, createRequestHandler, type Context } from '@keyflow/sdk';
import {
  FromFunctionSchema,
  ToFunctionSchema,
} from '../generated/io/statefun/sdk/reqreply/request-reply_pb';
import { fromHex } from '../test-support/hex';
import { expectRejectsCode } from '../test-support/keyflow-errors';
import { wrapped } from '../test-support/typed-values';
import { address, toFunction } from '../test-support/wire-messages';

@StatefulFunction('test/greeter')
class Greeter {
  @ValueSpec({ type: Types.int }) seen?: number;

  apply(ctx: Context<Greeter>): void {
    ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;
    ctx.send({ target: { typename: 'test/inbox', id: ctx.self.id }, value: 'hi' });
  }
}

const handle = createRequestHandler([Greeter]);
const hello = { argument: wrapped.string('hello') };

describe('createRequestHandler', () => {
  it('answers ToFunction bytes with FromFunction bytes the reference can read', async () => {
    const reply = await handle(
      toFunction({ target: address('test/greeter', 'ann'), state: { seen: wrapped.int(4) }, invocations: [hello] }),
    );
    expect(reply).toBeInstanceOf(Uint8Array);
    const fromFunction = fromBinary(FromFunctionSchema, reply);
    expect(fromFunction.response.case).toBe('invocationResult');
    if (fromFunction.response.case !== 'invocationResult') return;
    const result = fromFunction.response.value;
    expect(result.stateMutations[0]?.stateValue?.value).toEqual(wrapped.int(5).value);
    expect(result.outgoingMessages[0]?.target).toMatchObject({ namespace: 'test', type: 'inbox', id: 'ann' });
  });

  it('answers the reference IncompleteInvocationContext when state is missing', async () => {
    const fromFunction = fromBinary(
      FromFunctionSchema,
      await handle(toFunction({ target: address('test/greeter', 'ann'), invocations: [hello] })),
    );
    expect(fromFunction.response.case).toBe('incompleteInvocationContext');
  });

  it('rejects an empty request with KF_BAD_REQUEST', async () => {
    await expectRejectsCode(handle(new Uint8Array(0)), SdkErrorCodes.BAD_REQUEST);
  });

  it('rejects a ToFunction without an invocation batch (only unknown fields) with KF_BAD_REQUEST', async () => {
    const message = create(ToFunctionSchema);
    message.$unknown = [{ no: 5, wireType: 0, data: Uint8Array.of(1) }];
    await expectRejectsCode(handle(toBinary(ToFunctionSchema, message)), SdkErrorCodes.BAD_REQUEST);
  });

  it.each([
    ['a truncated message', 'a2 06 10 0a'],
    ['a wrong wire type', 'a0 06 01'],
    ['garbage', 'ff ff ff ff ff ff ff ff ff ff ff ff'],
    ['text', Buffer.from('{"hello":"world"}').toString('hex')],
  ])('rejects %s with KF_PROTOCOL_MALFORMED', async (_name, bytes) => {
    await expectRejectsCode(handle(fromHex(bytes)), SdkErrorCodes.PROTOCOL_MALFORMED);
  });

  it('rejects a batch without a target with KF_BAD_REQUEST', async () => {
    await expectRejectsCode(handle(toFunction({ invocations: [hello] })), SdkErrorCodes.BAD_REQUEST);
  });

  it.each([
    ['namespace', { namespace: '', type: 'greeter', id: 'ann' }],
    ['type', { namespace: 'test', type: '', id: 'ann' }],
  ])('rejects a target without %s with KF_BAD_REQUEST', async (_part, target) => {
    await expectRejectsCode(handle(toFunction({ target, invocations: [hello] })), SdkErrorCodes.BAD_REQUEST);
  });

  it('invokes the function for an empty id, as the official SDKs do', async () => {
    const ids: string[] = [];
    @StatefulFunction('test/anonymous')
    class Anonymous {
      apply(ctx: Context): void {
        ids.push(ctx.self.id);
      }
    }
    await createRequestHandler([Anonymous])(toFunction({ target: address('test/anonymous', ''), invocations: [hello] }));
    expect(ids).toEqual(['']);
  });

  it('rejects a target no function is registered for with KF_UNKNOWN_FUNCTION', async () => {
    await expectRejectsCode(
      handle(toFunction({ target: address('test/stranger', 'ann'), invocations: [hello] })),
      SdkErrorCodes.UNKNOWN_FUNCTION,
    );
  });

  it('rejects every target with KF_UNKNOWN_FUNCTION when it serves no functions', async () => {
    await expectRejectsCode(
      createRequestHandler([])(toFunction({ target: address('test/greeter', 'ann'), invocations: [hello] })),
      SdkErrorCodes.UNKNOWN_FUNCTION,
    );
  });

  it('serves typenames whose namespace contains a slash (split at the last one)', async () => {
    let self = '';
    @StatefulFunction('com.example/fns/greeter')
    class Nested {
      apply(ctx: Context): void {
        self = ctx.self.typename;
      }
    }
    await createRequestHandler([Nested])(toFunction({ target: address('com.example/fns/greeter', 'x'), invocations: [hello] }));
    expect(self).toBe('com.example/fns/greeter');
  });
});
