import { join } from 'node:path';
import type { KinesisIngress } from '../../src';
import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { OtlpReceiver } from '@keyflow/runtime/test-support';
import { createStream, putRecords, readStream, startKinesalite, type LocalKinesis } from '../support/kinesis-helpers';
import { RecordingEgress } from '../support/recording-egress';
import { eventually, ingressOf, startRuntime, tempDir } from '../support/runtime-harness';
import { uniqueName } from '../support/kafka-helpers';

// The Kinesis ingress and egress against kinesalite, started by this suite: every shard read,
// in order per partition key; the startup positions; sequence numbers in checkpoints; records
// from functions written to streams.

jest.setTimeout(60_000);

function ingressYaml(kinesis: LocalKinesis, stream: string, startup: string[] = [], targets = ['it/recorder']): string {
  return [
    'kind: io.statefun.kinesis.v1/ingress',
    'spec:',
    '  id: it/kinesis-in',
    '  awsRegion:',
    '    type: custom-endpoint',
    `    endpoint: ${kinesis.endpoint}`,
    '    id: us-east-1',
    '  awsCredentials:',
    '    type: basic',
    '    accessKeyId: test',
    '    secretAccessKey: test',
    ...startup.map((line) => `  ${line}`),
    '  streams:',
    `    - stream: ${stream}`,
    '      valueType: it/Text',
    '      targets:',
    ...targets.map((target) => `        - ${target}`),
    '  clientConfigProperties:',
    '    - SocketTimeout: 5000',
    '  pollInterval: 50ms',
    '',
  ].join('\n');
}

/** `<text>:<n>` of the recorder's lines. */
function received(seen: RecordingEgress, type = 'it/recorder'): string[] {
  return seen.lines.filter((line) => line.startsWith(`${type}:`)).map((line) => line.split(':').slice(2, 4).join(':'));
}

describe('Kinesis', () => {
  let kinesis: LocalKinesis;
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    kinesis = await startKinesalite();
  });
  afterAll(async () => {
    await kinesis.close();
  });
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('keyflow-kinesis-'));
  });
  afterEach(async () => {
    await remove();
  });

  it('reads every shard and routes each record by partition key to every target, in order per key', async () => {
    const stream = uniqueName('users');
    await createStream(kinesis, stream, 4);
    const keys = Array.from({ length: 10 }, (_, index) => `user-${index}`);
    const records = Array.from({ length: 200 }, (_, index) => ({ key: keys[index % keys.length] as string, value: `m${index}` }));
    await putRecords(kinesis, stream, records);
    expect(new Set((await readStream(kinesis, stream)).map((record) => record.shard)).size).toBeGreaterThan(1);

    const seen = new RecordingEgress();
    const runtime = await startRuntime(ingressYaml(kinesis, stream, ['startupPosition:', '  type: earliest'], ['it/recorder', 'it/auditor']), {
      stateDir: dir,
      egresses: [seen],
    });
    try {
      await seen.until(records.length * 2);
      await runtime.whenIdle();
      expect(ingressOf<KinesisIngress>(runtime, 'it/kinesis-in').stats()).toMatchObject({ delivered: records.length, activeShards: 4 });
    } finally {
      await runtime.stop();
    }
    for (const type of ['it/recorder', 'it/auditor']) {
      for (const key of keys) {
        const expected = records.filter((record) => record.key === key).map((record, index) => `${record.value}:${index + 1}`);
        expect(seen.lines.filter((line) => line.startsWith(`${type}:${key}:`)).map((line) => line.split(':').slice(2).join(':'))).toEqual(expected);
      }
    }
    expect(seen.lines).toHaveLength(records.length * 2);
  });

  it('begins a trace per record with tracing on: `receive <stream>`, then each invocation of its messages', async () => {
    const stream = uniqueName('traced');
    await createStream(kinesis, stream, 1);
    await putRecords(kinesis, stream, [{ key: 'ann', value: 'hello' }]);
    const receiver = await OtlpReceiver.start();
    try {
      const seen = new RecordingEgress();
      const runtime = await startRuntime(ingressYaml(kinesis, stream, ['startupPosition:', '  type: earliest'], ['it/recorder', 'it/auditor']), {
        stateDir: dir,
        egresses: [seen],
        tracing: { otlpEndpoint: receiver.endpoint },
      });
      try {
        await seen.until(2);
      } finally {
        await runtime.stop(); // exports the spans still buffered
      }
    } finally {
      await receiver.close();
    }
    const [receive, ...others] = receiver.spans.filter((span) => span.name === `receive ${stream}`);
    expect(others).toEqual([]);
    expect(receive).toMatchObject({ parentSpanId: '', attributes: { 'messaging.destination.name': stream, 'keyflow.ingress': 'it/kinesis-in' } });
    const invocations = receiver.spans.filter((span) => span.name.startsWith('invoke '));
    expect(invocations.map((span) => [span.name, span.traceId, span.parentSpanId]).sort()).toEqual([
      ['invoke it/auditor', receive?.traceId, receive?.spanId],
      ['invoke it/recorder', receive?.traceId, receive?.spanId],
    ]);
  });

  it('starts at the latest records (the default), the earliest, or a date', async () => {
    const stream = uniqueName('startup');
    await createStream(kinesis, stream, 2);
    await putRecords(kinesis, stream, [
      { key: 'a', value: 'old-0' },
      { key: 'b', value: 'old-1' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const between = new Date(Date.now()).toISOString().replace('T', ' ').replace('Z', ' +0000');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await putRecords(kinesis, stream, [{ key: 'a', value: 'new-0' }]);

    const run = async (name: string, startup: string[], after: string[] = []): Promise<string[]> => {
      const seen = new RecordingEgress();
      const runtime = await startRuntime(ingressYaml(kinesis, stream, startup), { stateDir: join(dir, name), egresses: [seen] });
      try {
        await putRecords(kinesis, stream, after.map((value) => ({ key: 'c', value })));
        await new Promise((resolve) => setTimeout(resolve, 600));
        await runtime.whenIdle();
      } finally {
        await runtime.stop();
      }
      return received(seen).map((line) => line.split(':')[0] as string).sort();
    };
    expect(await run('latest', [], ['after-start'])).toEqual(['after-start']);
    expect(await run('earliest', ['startupPosition:', '  type: earliest'])).toEqual(['after-start', 'new-0', 'old-0', 'old-1']);
    expect(await run('date', ['startupPosition:', '  type: date', `  date: ${between}`])).toEqual(['after-start', 'new-0']);
  });

  it('resumes after the sequence numbers of its checkpoint', async () => {
    const stream = uniqueName('resume');
    await createStream(kinesis, stream, 3);
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ({ key: `k${(from + index) % 6}`, value: `v${from + index}` }));
    await putRecords(kinesis, stream, batch(0, 60));
    const yaml = ingressYaml(kinesis, stream, ['startupPosition:', '  type: earliest']);

    const first = new RecordingEgress();
    let runtime = await startRuntime(yaml, { stateDir: dir, egresses: [first] });
    await first.until(60);
    await runtime.whenIdle();
    await runtime.stop();

    await putRecords(kinesis, stream, batch(60, 90));
    const second = new RecordingEgress();
    runtime = await startRuntime(yaml, { stateDir: dir, egresses: [second] });
    try {
      await second.until(30);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await runtime.whenIdle();
    } finally {
      await runtime.stop();
    }
    const values = (egress: RecordingEgress): string[] => received(egress).map((line) => line.split(':')[0] as string).sort();
    expect(values(first)).toEqual(batch(0, 60).map((record) => record.value).sort());
    expect(values(second)).toEqual(batch(60, 90).map((record) => record.value).sort());
    expect(received(second).filter((line) => line.startsWith('v60:'))).toEqual(['v60:11']);
  });

  it('follows a shard split: the parent is read to its end, then its children', async () => {
    const stream = uniqueName('resharded');
    await createStream(kinesis, stream, 1);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ({ key: keys[(from + index) % keys.length] as string, value: `v${from + index}` }));
    await putRecords(kinesis, stream, batch(0, 60));
    const seen = new RecordingEgress();
    const runtime = await startRuntime(
      ingressYaml(kinesis, stream, ['startupPosition:', '  type: earliest', 'shardDiscoveryInterval: 200ms']),
      { stateDir: dir, egresses: [seen] },
    );
    const ingress = ingressOf<KinesisIngress>(runtime, 'it/kinesis-in');
    try {
      await seen.until(30);
      await kinesis.client.send(
        new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '170141183460469231731687303715884105728' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await putRecords(kinesis, stream, batch(60, 120));
      await seen.until(120);
      await runtime.whenIdle();
      expect(ingress.stats()).toMatchObject({ delivered: 120, activeShards: 2 });
    } finally {
      await runtime.stop();
    }
    expect(new Set((await readStream(kinesis, stream)).map((record) => record.shard)).size).toBe(3);
    for (const key of keys) {
      const expected = batch(0, 120).filter((record) => record.key === key).map((record, index) => `${record.value}:${index + 1}`);
      expect(received(seen).filter((line) => expected.some((entry) => entry.split(':')[0] === line.split(':')[0]))).toEqual(expected);
    }
  });

  it('fails on a record it cannot route, naming stream, shard and sequence number', async () => {
    const stream = uniqueName('unroutable');
    await createStream(kinesis, stream, 1);
    await putRecords(kinesis, stream, [{ key: 'a', value: 'x' }]);
    const runtime = await startRuntime(ingressYaml(kinesis, stream, ['startupPosition:', '  type: earliest'], ['it/nobody']), {
      stateDir: dir,
      egresses: [new RecordingEgress()],
    });
    const ingress = ingressOf<KinesisIngress>(runtime, 'it/kinesis-in');
    try {
      expect(await eventually(() => ingress.failure !== undefined)).toBe(true);
    } finally {
      await runtime.stop();
    }
    expect(ingress.failure?.message).toMatch(new RegExp(`stream "${stream}", shard shardId-000000000000 with sequence number \\d+: no endpoint serves the target function type it/nobody`));
  });

  it('writes function records to streams with the Kinesis egress, at least once', async () => {
    const [input, output] = [uniqueName('in'), uniqueName('out')];
    await createStream(kinesis, input, 2);
    await createStream(kinesis, output, 3);
    const ids = ['ann', 'bob', 'cy', 'dee'];
    const records = Array.from({ length: 80 }, (_, index) => ({ key: ids[index % ids.length] as string, value: `${output}|w${index}` }));
    await putRecords(kinesis, input, records);
    const yaml = `${ingressYaml(kinesis, input, ['startupPosition:', '  type: earliest'], ['it/kinesis-forwarder'])}---
kind: io.statefun.kinesis.v1/egress
spec:
  id: it/kinesis
  awsRegion: { type: custom-endpoint, endpoint: "${kinesis.endpoint}", id: us-east-1 }
  awsCredentials: { type: basic, accessKeyId: test, secretAccessKey: test }
  maxOutstandingRecords: 16
`;
    const runtime = await startRuntime(yaml, { stateDir: dir });
    let written: Awaited<ReturnType<typeof readStream>> = [];
    try {
      const deadline = Date.now() + 20_000;
      while (written.length < records.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        written = await readStream(kinesis, output);
      }
    } finally {
      await runtime.stop();
    }
    expect(written).toHaveLength(records.length);
    for (const id of ids) {
      const expected = records.filter((record) => record.key === id).map((record, visit) => `${record.value.split('|')[1] ?? ''}#${visit + 1}`);
      expect(written.filter((record) => record.key === id).map((record) => record.value)).toEqual(expected);
    }
  });
});
