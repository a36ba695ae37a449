// Kinesis for the tests: kinesalite in this process, streams, records in and out.

import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';

/** A kinesalite server on a free port of 127.0.0.1. */
export interface LocalKinesis {
  readonly endpoint: string;
  readonly client: KinesisClient;
  close(): Promise<void>;
}

/** Starts kinesalite (in memory, streams active at once). */
export async function startKinesalite(): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Creates a stream with `shards` shards and waits until it is active. */
export async function createStream(kinesis: LocalKinesis, stream: string, shards: number): Promise<void> {
  await kinesis.client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  for (let attempt = 0; attempt < 100; attempt++) {
    const { StreamDescription } = await kinesis.client.send(new DescribeStreamCommand({ StreamName: stream }));
    if (StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stream ${stream} did not become active`);
}

/** Puts records (partition key, UTF-8 data), in order. */
export async function putRecords(kinesis: LocalKinesis, stream: string, records: readonly { key: string; value: string }[]): Promise<void> {
  for (let index = 0; index < records.length; index += 500) {
    const chunk = records.slice(index, index + 500);
    const result = await kinesis.client.send(
      new PutRecordsCommand({ StreamName: stream, Records: chunk.map(({ key, value }) => ({ PartitionKey: key, Data: Buffer.from(value) })) }),
    );
    if ((result.FailedRecordCount ?? 0) > 0) throw new Error(`kinesalite rejected ${result.FailedRecordCount} records`);
  }
}

/** `key:value` of every record in the stream, per shard in sequence order, shards one after another. */
export async function readStream(kinesis: LocalKinesis, stream: string): Promise<{ key: string; value: string; shard: string }[]> {
  const { Shards = [] } = await kinesis.client.send(new ListShardsCommand({ StreamName: stream }));
  const records: { key: string; value: string; shard: string }[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.client.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator !== undefined) {
      const result = await kinesis.client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of result.Records ?? []) {
        records.push({ key: record.PartitionKey ?? '', value: Buffer.from(record.Data ?? []).toString('utf8'), shard: shard.ShardId ?? '' });
      }
      if ((result.Records ?? []).length === 0) break;
      iterator = result.NextShardIterator;
    }
  }
  return records;
}
