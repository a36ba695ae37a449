import { Types, isKeyflowError } from '@keyflow/sdk';
import { KAFKA_PRODUCER_RECORD_TYPENAME, encodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { nextRequest, toOutgoingRecord, toRequests } from './producer-records';

function producerRecord(topic: string, key: string, value: string, headers?: { key: string; value: Uint8Array }[]) {
  return {
    egress: 'it/out',
    value: {
      typename: KAFKA_PRODUCER_RECORD_TYPENAME,
      hasValue: true,
      value: encodeKafkaProducerRecord({ topic, key, valueBytes: Buffer.from(value), ...(headers ? { headers } : {}) }),
    },
  };
}

describe('Kafka egress records', () => {
  it('takes topic, key and value bytes from a KafkaProducerRecord', () => {
    const record = toOutgoingRecord(producerRecord('greetings', 'ann', 'hello'));
    expect(record.topic).toBe('greetings');
    expect(record.message.key?.toString()).toBe('ann');
    expect(record.message.value?.toString()).toBe('hello');
  });

  it("writes the record's headers (Keyflow's extension), a repeated key as an array, and counts them in its size", () => {
    const headers = [
      { key: 'trace-id', value: Buffer.from('t-1') },
      { key: 'tag', value: Buffer.from([0xff]) },
      { key: 'tag', value: Buffer.from('b') },
    ];
    const withHeaders = toOutgoingRecord(producerRecord('t', 'k', 'v', headers));
    expect(withHeaders.message.headers).toEqual({ 'trace-id': Buffer.from('t-1'), tag: [Buffer.from([0xff]), Buffer.from('b')] });
    const plain = toOutgoingRecord(producerRecord('t', 'k', 'v'));
    expect('headers' in plain.message).toBe(false);
    expect(withHeaders.size).toBeGreaterThan(plain.size + 'trace-idt-1tag'.length);
  });

  it("writes the sending invocation's traceparent when it is in a recorded trace, in place of the function's own", () => {
    const trace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true };
    const record = toOutgoingRecord({ ...producerRecord('t', 'k', 'v', [{ key: 'traceparent', value: Buffer.from('stale') }, { key: 'tag', value: Buffer.from('a') }]), trace });
    expect(record.message.headers).toEqual({ tag: Buffer.from('a'), traceparent: Buffer.from(`00-${trace.traceId}-${trace.spanId}-01`) });
  });

  it('sends an empty key as no key, as StateFun does', () => {
    expect(toOutgoingRecord(producerRecord('t', '', 'v')).message.key).toBeNull();
  });

  it.each([
    ['another type', { egress: 'it/out', value: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('x') } }],
    ['no topic', producerRecord('', 'k', 'v')],
    ['bad bytes', { egress: 'it/out', value: { typename: KAFKA_PRODUCER_RECORD_TYPENAME, hasValue: true, value: new Uint8Array([0x0a, 0x05]) } }],
  ])('rejects %s', (_name, record) => {
    let error: unknown;
    try {
      toOutgoingRecord(record);
    } catch (caught) {
      error = caught;
    }
    expect(isKeyflowError(error, ConnectorErrorCodes.BAD_EGRESS_RECORD)).toBe(true);
  });

  it('splits requests by size and groups them by topic, keeping the order', () => {
    const records = ['a', 'b', 'a', 'a'].map((topic, index) => toOutgoingRecord(producerRecord(topic, `k${index}`, 'x'.repeat(100))));
    const requests = toRequests(records, 300);
    expect(requests.map((request) => request.map(({ topic, messages }) => [topic, messages.map((m) => String(m.key))]))).toEqual([
      [['a', ['k0']], ['b', ['k1']]],
      [['a', ['k2', 'k3']]],
    ]);
  });
});

it('caps the number of records per request', () => {
  const records = Array.from({ length: 5 }, (_, index) => toOutgoingRecord(producerRecord('t', `k${index}`, 'v')));
  expect(toRequests(records, 1_000_000, 2).map((request) => request[0]?.messages.length)).toEqual([2, 2, 1]);
});

it('builds the request that starts at a given record, and says how many records it holds', () => {
  const records = ['a', 'b', 'a', 'a', 'b'].map((topic, index) => toOutgoingRecord(producerRecord(topic, `k${index}`, 'v')));
  const request = nextRequest(records, 2, 1_000_000, 2);
  expect(request.count).toBe(2);
  expect(request.topicMessages.map(({ topic, messages }) => [topic, messages.map((m) => String(m.key))])).toEqual([['a', ['k2', 'k3']]]);
  expect(nextRequest(records, 5, 1_000_000).count).toBe(0);
});
