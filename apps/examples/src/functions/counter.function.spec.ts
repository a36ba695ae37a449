import { Types, createRequestHandler } from '@keyflow/sdk';
import { decodeFromFunction, encodeToFunction } from '@keyflow/sdk/protocol';
import { Counter, StreamCounter } from './counter.function';

async function invoke(fn: typeof Counter | typeof StreamCounter, type: string, count: number | undefined, events: number) {
  const handle = createRequestHandler([fn]);
  const reply = decodeFromFunction(
    await handle(
      encodeToFunction({
        target: { namespace: 'example', type, id: 'k7' },
        state: [
          {
            stateName: 'count',
            stateValue: count === undefined ? { typename: Types.long.typename, hasValue: false, value: new Uint8Array(0) } : { typename: Types.long.typename, hasValue: true, value: Types.long.serialize(count) },
          },
        ],
        invocations: Array.from({ length: events }, () => ({ caller: { namespace: 'example', type: 'source', id: 'k7' }, argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('e') } })),
      }),
    ),
  );
  if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
  return reply.result;
}

describe('example/counter', () => {
  it('counts each event and publishes every count to the Kafka counts topic, keyed by id', async () => {
    const result = await invoke(Counter, 'counter', 4, 2);
    expect(result.stateMutations.map((mutation) => Types.long.deserialize(mutation.stateValue?.value ?? new Uint8Array(0)))).toEqual([6]);
    expect(result.outgoingEgresses.map((egress) => `${egress.egressNamespace}/${egress.egressType}`)).toEqual(['example/counts', 'example/counts']);
    expect(result.outgoingEgresses.map((egress) => Buffer.from(egress.argument?.value ?? []).toString('latin1'))).toEqual([
      expect.stringContaining('k7:5'),
      expect.stringContaining('k7:6'),
    ]);
  });
});

describe('example/stream-counter', () => {
  it('starts from nothing and publishes to the Kinesis counts stream', async () => {
    const result = await invoke(StreamCounter, 'stream-counter', undefined, 1);
    expect(result.stateMutations.map((mutation) => Types.long.deserialize(mutation.stateValue?.value ?? new Uint8Array(0)))).toEqual([1]);
    expect(result.outgoingEgresses.map((egress) => `${egress.egressNamespace}/${egress.egressType}`)).toEqual(['example/stream-counts']);
    expect(Buffer.from(result.outgoingEgresses[0]?.argument?.value ?? []).toString('latin1')).toContain('k7:1');
  });
});
