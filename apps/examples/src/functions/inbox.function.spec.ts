import { Types, createRequestHandler } from '@keyflow/sdk';
import { KAFKA_PRODUCER_RECORD_TYPENAME, decodeFromFunction, decodeKafkaProducerRecord, encodeToFunction } from '@keyflow/sdk/protocol';
import { Inbox } from './inbox.function';
import { GreetingType } from './messages';

describe('example/inbox', () => {
  it('counts the greetings it received and publishes each to the greetings egress as a Kafka record keyed by the person', async () => {
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
    const [egress] = reply.result.outgoingEgresses;
    expect(egress).toMatchObject({ egressNamespace: 'example', egressType: 'greetings', argument: { typename: KAFKA_PRODUCER_RECORD_TYPENAME } });
    const record = decodeKafkaProducerRecord(egress?.argument?.value ?? new Uint8Array(0));
    expect([record.topic, record.key, Buffer.from(record.valueBytes).toString('utf8')]).toEqual(['greetings', 'Alice', 'Hello again Alice, visit number 3.']);
  });
});
