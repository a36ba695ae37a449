import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A Kinesis client for kinesalite, through its port-forward (HTTP/1.1: kinesalite speaks no HTTP/2). */
export function kinesisClient(port: number): KinesisClient {
  return new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'gate', secretAccessKey: 'gate' },
    requestHandler: new NodeHttpHandler(),
  });
}

/** Creates a stream and waits until it is active. */
export async function createStream(client: KinesisClient, stream: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const described = await client.send(new DescribeStreamCommand({ StreamName: stream }));
    if (described.StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`KF_KIND_KINESIS: stream ${stream} did not become active`);
}

/** Puts each key as one record (partition key = the counter id, data = the key). */
export async function putEvents(client: KinesisClient, stream: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 100) {
    const records = keys.slice(i, i + 100).map((key) => ({ PartitionKey: key, Data: Buffer.from(key) }));
    const result = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
    if ((result.FailedRecordCount ?? 0) > 0) throw new Error(`KF_KIND_KINESIS: kinesalite refused ${String(result.FailedRecordCount)} records`);
  }
}

/** Reads every shard of a stream from its start until `done` holds for the values with `prefix`. */
export async function readStream(
  client: KinesisClient,
  stream: string,
  prefix: string,
  done: (values: readonly string[]) => boolean,
  timeoutMs = 240_000,
): Promise<string[]> {
  const described = await client.send(new DescribeStreamCommand({ StreamName: stream }));
  const iterators = new Map<string, string | undefined>();
  for (const shard of described.StreamDescription?.Shards ?? []) {
    const iterator = await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    iterators.set(shard.ShardId ?? '', iterator.ShardIterator);
  }
  const values: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const [shard, iterator] of iterators) {
      if (iterator === undefined) continue;
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        const value = Buffer.from(record.Data ?? new Uint8Array(0)).toString('utf8');
        if (value.startsWith(`${prefix}-`)) values.push(value);
      }
      iterators.set(shard, page.NextShardIterator);
    }
    if (done(values)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return values.sort();
}
