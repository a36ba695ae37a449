import { OtlpReceiver } from '@keyflow/runtime/test-support';
import { NULL_HEADER_VALUE, writeNullHeaderValues } from '../../src/kafka/null-header-value';
import { createTopics, produce, readTopic, uniqueName, type ReadRecord } from '../support/kafka-helpers';
import { kafkaRelayModule } from '../support/kafka-relay-module';
import { RecordingEgress } from '../support/recording-egress';
import { startRuntime, tempDir } from '../support/runtime-harness';

// Kafka record headers against a real broker: the headers of an ingress record reach an
// embedded function as `msg.headers`, and the headers a function gives `kafkaEgressMessage` are
// on the record a kafkajs consumer reads, with at-least-once and with exactly-once delivery. A
// null header value (Kafka's, distinct from an empty one) stays null all the way.

jest.setTimeout(60_000);

function moduleYaml(input: string, semantic: string): string {
  return kafkaRelayModule(input, 'it/header-relay', semantic, semantic === 'exactly-once' ? ['transactionTimeout: 30s'] : []);
}

const BINARY = Buffer.from([0xff, 0x00, 0xc3]);
const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

/** Every header of a read record as `key=<hex>`, per key in record order. */
function headerPairs(record: ReadRecord | undefined): string[] {
  return Object.entries(record?.headerValues ?? {}).flatMap(([key, values]) => values.map((value) => `${key}=${value === null ? 'null' : value.toString('hex')}`));
}

describe('Kafka headers', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('keyflow-kafka-headers-'));
  });
  afterEach(async () => {
    await remove();
  });

  it.each(['at-least-once', 'exactly-once'])('pass from an ingress record to msg.headers and from kafkaEgressMessage to the output record (%s)', async (semantic) => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 1);
    expect(writeNullHeaderValues()).toBe(true); // so that the test's producer can write a null header value too
    await produce(input, [
      // A repeated key (kafkajs writes an array as one header per value) and a binary value.
      { key: 'ann', value: `${out}|hello`, headers: { 'trace-id': 't-1', tag: ['first', BINARY], bin: Buffer.from([0x00]), blank: Buffer.alloc(0), nothing: NULL_HEADER_VALUE } },
      { key: 'bob', value: `${out}|plain` },
    ]);

    const seen = new RecordingEgress();
    const runtime = await startRuntime(moduleYaml(input, semantic), { stateDir: dir, egresses: [seen], checkpointIntervalMs: 200 });
    let records: ReadRecord[];
    try {
      await seen.until(2);
      records = await readTopic(out, { count: 2, settleMs: semantic === 'exactly-once' ? 500 : 0 });
    } finally {
      await runtime.stop();
    }

    // What the function saw in msg.headers, and msg.header('trace-id').
    expect([...seen.lines].sort()).toEqual([`ann|trace-id=${hex('t-1')},tag=${hex('first')},tag=ff00c3,bin=00,blank=,nothing=null|t-1`, 'bob||-']);

    // What a kafkajs consumer reads: the record's headers passed on, plus the function's own.
    const ann = records.find((record) => record.key === 'ann');
    const bob = records.find((record) => record.key === 'bob');
    expect(records).toHaveLength(2);
    expect(ann?.value).toBe('hello');
    expect(headerPairs(ann)).toEqual([`trace-id=${hex('t-1')}`, `tag=${hex('first')}`, 'tag=ff00c3', 'bin=00', 'blank=', 'nothing=null', `relayed-by=${hex('ann')}`]);
    expect(bob?.value).toBe('plain');
    expect(headerPairs(bob)).toEqual([`relayed-by=${hex('bob')}`]);
  });

  it("continues a record's trace: with tracing on, the output record carries the traceparent of the invocation that sent it", async () => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 1);
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await produce(input, [{ key: 'ann', value: `${out}|traced`, headers: { traceparent: incoming } }]);
    // Nothing listens at the endpoint: the spans are dropped, the headers are what this checks.
    const tracing = { otlpEndpoint: 'http://127.0.0.1:9/v1/traces' };
    const runtime = await startRuntime(moduleYaml(input, 'at-least-once'), { stateDir: dir, egresses: [new RecordingEgress()], checkpointIntervalMs: 200, tracing });
    let records: ReadRecord[];
    try {
      records = await readTopic(out, { count: 1 });
    } finally {
      await runtime.stop();
    }
    const written = records[0]?.headerValues?.['traceparent']?.map((value) => value?.toString('utf8'));
    expect(written).toHaveLength(1);
    const [, traceId, spanId, flags] = (written?.[0] ?? '').split('-');
    expect([traceId, flags]).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', '01']);
    expect(spanId).not.toBe('00f067aa0ba902b7'); // the invocation's span, a child of the producer's
  });

  it('begins a trace for a record without one, as the sample ratio says, and follows a producer that did not sample', async () => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 1);
    const unsampled = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    await produce(input, [
      { key: 'ann', value: `${out}|new trace` },
      { key: 'bob', value: `${out}|not sampled`, headers: { traceparent: unsampled } },
    ]);
    const receiver = await OtlpReceiver.start();
    let records: ReadRecord[];
    try {
      const tracing = { otlpEndpoint: receiver.endpoint, sampleRatio: 1 };
      const runtime = await startRuntime(moduleYaml(input, 'at-least-once'), { stateDir: dir, egresses: [new RecordingEgress()], checkpointIntervalMs: 200, tracing });
      try {
        records = await readTopic(out, { count: 2 });
      } finally {
        await runtime.stop(); // exports the spans still buffered
      }
    } finally {
      await receiver.close();
    }

    // The record without a traceparent: a trace of its own, `receive <topic>` then the invocation.
    const receive = receiver.spans.filter((span) => span.name === `receive ${input}`);
    expect(receive).toHaveLength(1);
    expect(receive[0]).toMatchObject({
      parentSpanId: '',
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': input, 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': '0' },
    });
    const invoke = receiver.spans.filter((span) => span.name === 'invoke it/header-relay');
    expect(invoke).toHaveLength(1);
    expect(invoke[0]).toMatchObject({ traceId: receive[0]?.traceId, parentSpanId: receive[0]?.spanId, attributes: { 'keyflow.address': 'it/header-relay/ann' } });
    // Its output record goes on with the invocation's context. The unsampled producer's record is
    // not traced: its output has the header as the function passed it on.
    const traceparent = (key: string): (string | undefined)[] | undefined =>
      records.find((record) => record.key === key)?.headerValues?.['traceparent']?.map((value) => value?.toString('utf8'));
    expect(traceparent('ann')).toEqual([`00-${receive[0]?.traceId}-${invoke[0]?.spanId}-01`]);
    expect(traceparent('bob')).toEqual([unsampled]);
    expect(receiver.spans.filter((span) => span.traceId === '4bf92f3577b34da6a3ce929d0e0e4736')).toEqual([]);
  });
});
