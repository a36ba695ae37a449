import { Types, createRequestHandler } from '@keyflow/sdk';
import { decodeFromFunction, encodeToFunction } from '@keyflow/sdk/protocol';
import { Inbox } from './inbox.function';
import { GreetingType } from './messages';

describe('example/inbox', () => {
  it('counts the greetings it received and publishes each to the greetings egress', async () => {
    const handle = createRequestHandler([Inbox]);
    const reply = decodeFromFunction(
      await handle(
        encodeToFunction({
          target: { namespace: 'example', type: 'inbox', id: 'Alice' },
          state: [{ stateName: 'received', stateValue: { typename: Types.int.typename, hasValue: true, value: Types.int.serialize(2) } }],
          invocations: [
            {
              caller: { namespace: 'example', type: 'greeter', id: 'Alice' },
              argument: { typename: GreetingType.typename, hasValue: true, value: GreetingType.serialize({ text: 'Hello again Alice, visit number 3.', seen: 3 }) },
            },
          ],
        }),
      ),
    );
    if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
    expect(reply.result.stateMutations.map((mutation) => Types.int.deserialize(mutation.stateValue?.value ?? new Uint8Array(0)))).toEqual([3]);
    expect(reply.result.outgoingEgresses).toEqual([
      {
        egressNamespace: 'example',
        egressType: 'greetings',
        argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('Hello again Alice, visit number 3.') },
      },
    ]);
  });
});
