import { Types, createRequestHandler } from '@keyflow/sdk';
import { decodeFromFunction, encodeToFunction, type PbTypedValue } from '@keyflow/sdk/protocol';
import { Greeter } from './greeter.function';
import { GreetingType } from './messages';

const text = (value: string): PbTypedValue => ({ typename: Types.string.typename, hasValue: true, value: Types.string.serialize(value) });

async function greet(name: string, seen: number | undefined) {
  const handle = createRequestHandler([Greeter]);
  const reply = await handle(
    encodeToFunction({
      target: { namespace: 'example', type: 'greeter', id: name },
      state: [
        {
          stateName: 'seen',
          stateValue:
            seen === undefined
              ? { typename: Types.int.typename, hasValue: false, value: new Uint8Array(0) }
              : { typename: Types.int.typename, hasValue: true, value: Types.int.serialize(seen) },
        },
      ],
      invocations: [{ caller: undefined, argument: text(name) }],
    }),
  );
  const response = decodeFromFunction(reply);
  if (response.kind !== 'invocationResult') throw new Error(`unexpected ${response.kind}`);
  return response.result;
}

describe('example/greeter', () => {
  it('greets a newcomer, counts the visit and delivers the greeting to the inbox', async () => {
    const result = await greet('Alice', undefined);
    expect(result.stateMutations.map((mutation) => [mutation.stateName, Types.int.deserialize(mutation.stateValue?.value ?? new Uint8Array(0))])).toEqual([['seen', 1]]);
    const [message] = result.outgoingMessages;
    expect(message?.target).toEqual({ namespace: 'example', type: 'inbox', id: 'Alice' });
    expect(GreetingType.deserialize(message?.argument?.value ?? new Uint8Array(0))).toEqual({ text: 'Hello Alice, nice to meet you!', seen: 1 });
  });

  it('greets a returning visitor with the visit number', async () => {
    const result = await greet('Bob', 4);
    const greeting = GreetingType.deserialize(result.outgoingMessages[0]?.argument?.value ?? new Uint8Array(0));
    expect(greeting).toEqual({ text: 'Hello again Bob, visit number 5.', seen: 5 });
  });

  it('asks for its state, with its 30 minute expiry, when the runtime does not send it', async () => {
    const handle = createRequestHandler([Greeter]);
    const reply = decodeFromFunction(
      await handle(encodeToFunction({ target: { namespace: 'example', type: 'greeter', id: 'x' }, state: [], invocations: [{ caller: undefined, argument: text('x') }] })),
    );
    expect(reply).toEqual({
      kind: 'incompleteInvocationContext',
      missingValues: [{ stateName: 'seen', typeTypename: Types.int.typename, expirationSpec: { mode: 2, expireAfterMillis: 1_800_000 } }],
    });
  });
});
