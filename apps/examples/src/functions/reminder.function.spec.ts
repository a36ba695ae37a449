import { Types, createRequestHandler } from '@keyflow/sdk';
import { decodeFromFunction, decodeKafkaProducerRecord, encodeToFunction, type PbTypedValue } from '@keyflow/sdk/protocol';
import { ReminderDueType, ReminderRequestType } from './messages';
import { Reminder } from './reminder.function';

const int = (value: number | undefined) =>
  value === undefined ? { typename: Types.int.typename, hasValue: false, value: new Uint8Array(0) } : { typename: Types.int.typename, hasValue: true, value: Types.int.serialize(value) };

async function invoke(state: { set?: number }, argument: PbTypedValue) {
  const handle = createRequestHandler([Reminder]);
  const reply = decodeFromFunction(
    await handle(
      encodeToFunction({
        target: { namespace: 'example', type: 'reminder', id: 'Alice' },
        state: [{ stateName: 'set', stateValue: int(state.set) }],
        invocations: [{ caller: undefined, argument }],
      }),
    ),
  );
  if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
  const texts = reply.result.outgoingEgresses.map((egress) => {
    const record = decodeKafkaProducerRecord(egress.argument?.value ?? new Uint8Array(0));
    return `${record.topic}/${record.key}: ${Buffer.from(record.valueBytes).toString('utf8')}`;
  });
  const state_ = Object.fromEntries(reply.result.stateMutations.map((mutation) => [mutation.stateName, Types.int.deserialize(mutation.stateValue?.value ?? new Uint8Array(0))]));
  return { result: reply.result, texts, state: state_ };
}

describe('example/reminder', () => {
  it('acknowledges a request, counts it and sends itself the reminder as a delayed message', async () => {
    const request = { typename: ReminderRequestType.typename, hasValue: true, value: ReminderRequestType.serialize({ text: 'call mom', inMs: 1500 }) };
    const { result, texts, state } = await invoke({ set: 2 }, request);
    expect(state).toEqual({ set: 3 });
    expect(texts).toEqual(['reminders/Alice: reminder #3 for Alice set: call mom in 1500 ms']);
    const [delayed] = result.delayedInvocations;
    expect(Number(delayed?.delayInMs)).toBe(1500);
    expect(delayed?.target).toEqual({ namespace: 'example', type: 'reminder', id: 'Alice' });
    expect(ReminderDueType.deserialize(delayed?.argument?.value ?? new Uint8Array(0))).toEqual({ text: 'call mom', number: 3 });
  });

  it('publishes a reminder when it comes due', async () => {
    const due = { typename: ReminderDueType.typename, hasValue: true, value: ReminderDueType.serialize({ text: 'call mom', number: 3 }) };
    const { texts, state } = await invoke({ set: 3 }, due);
    expect(state).toEqual({});
    expect(texts).toEqual(['reminders/Alice: reminder #3 for Alice is due: call mom']);
  });
});
