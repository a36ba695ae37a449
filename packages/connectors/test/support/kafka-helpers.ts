// Kafka from the tests' side: topics, producing input, reading output.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, Partitioners, logLevel, type IHeaders, type Message } from 'kafkajs';
import { KAFKA_SCRIPT, testBroker } from './kafka-broker';

/** A record as a test reads it back. */
export interface ReadRecord {
  readonly key: string | null;
  readonly value: string;
  readonly partition: number;
  readonly offset: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Every header value as bytes (null for Kafka's null value), per key, in record order (a key may repeat). */
  readonly headerValues: Readonly<Record<string, readonly (Buffer | null)[]>>;
}

/** A kafkajs client for the test broker, quiet. */
export function testKafka(): Kafka {
  return new Kafka({ brokers: [testBroker().bootstrap], clientId: 'keyflow-test', logLevel: logLevel.NOTHING });
}

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates topics with `partitions` partitions each. */
export async function createTopics(topics: readonly string[], partitions = 1): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** Produces records (keys as given; `partition` pins one), acknowledged by the broker. */
export async function produce(topic: string, messages: readonly Message[]): Promise<void> {
  // Idempotent: a send retried after a broker restart (its first answer lost) would otherwise
  // append the records twice, and a test would blame the runtime for the duplicates.
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let index = 0; index < messages.length; index += 1_000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(index, index + 1_000) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Options of {@link readTopic}. */
export interface ReadOptions {
  /** Stop once this many records are read. */
  readonly count: number;
  /** `read_committed` (default) hides records of aborted and open transactions. */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Give up after this long, returning what was read. Default 20 s. */
  readonly timeoutMs?: number;
  /** After `count` records, keep reading this long to catch extra (duplicate) records. Default 0. */
  readonly settleMs?: number;
}

/** Reads `topic` from its beginning with a fresh consumer group. */
export async function readTopic(topic: string, options: ReadOptions): Promise<ReadRecord[]> {
  const consumer = testKafka().consumer({
    groupId: uniqueName('keyflow-test-reader'),
    readUncommitted: options.isolation === 'read_uncommitted',
    maxWaitTimeInMs: 100,
  });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let reachedCount: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (reachedCount = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value === null ? '' : message.value.toString('utf8'),
          partition,
          offset: Number(message.offset),
          headers: headersOf(message.headers),
          headerValues: headerValuesOf(message.headers),
        });
        if (records.length >= options.count) reachedCount();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reached, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 20_000)))]);
    clearTimeout(timer);
    if ((options.settleMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The committed offsets of a consumer group, per partition of `topic`. */
export async function groupOffsets(groupId: string, topic: string): Promise<Record<number, number>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return result;
}

function headerValuesOf(headers: IHeaders | undefined): Record<string, (Buffer | null)[]> {
  const result: Record<string, (Buffer | null)[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // kafkajs gives Kafka's null header value as null, though its IHeaders type omits it.
    const values = (Array.isArray(value) ? value : [value]) as (Buffer | string | null | undefined)[];
    if (value !== undefined) result[name] = values.map((item) => (item === null || item === undefined ? null : Buffer.from(item)));
  }
  return result;
}

/** Options of {@link readCommittedWithJavaConsumer}. */
export interface JavaReadOptions {
  /** Fail when the end markers are not read within this long. Default 60 s. */
  readonly timeoutMs?: number;
  /** `sorted` (default), or `as-read`: each partition's records in offset order, partitions interleaved. */
  readonly order?: 'sorted' | 'as-read';
}

/**
 * `key:value` of every record of `topic` as Apache Kafka's own console consumer reads it with
 * `read_committed` (kafkajs drops aborted records only when the aborted transactions of a fetch
 * do not overlap: it misses some when transactions of several producers interleave).
 *
 * It reads up to an end marker it first writes to every partition, not until a quiet period: a
 * JVM joining a group on a loaded machine can take longer than any quiet period, and then read
 * nothing. Read in offset order, the markers come after every record visible before them.
 */
export async function readCommittedWithJavaConsumer(topic: string, options: JavaReadOptions = {}): Promise<string[]> {
  const { timeoutMs = 60_000, order = 'sorted' } = options;
  const admin = testKafka().admin();
  await admin.connect();
  let partitions: number[];
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    partitions = (metadata?.partitions ?? []).map((partition) => partition.partitionId);
  } finally {
    await admin.disconnect();
  }
  const endKey = uniqueName('__keyflow-test-end');
  await produce(topic, partitions.map((partition) => ({ key: endKey, value: 'end', partition })));

  const consumer = spawn(KAFKA_SCRIPT, [
    'tool',
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server',
    testBroker().bootstrap,
    '--topic',
    topic,
    '--group',
    uniqueName('keyflow-test-java-reader'),
    '--from-beginning',
    '--isolation-level',
    'read_committed',
    '--property',
    'print.key=true',
    '--property',
    'key.separator=:',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const records: string[] = [];
  let ends = 0;
  let stderr = '';
  consumer.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
  const lines = createInterface({ input: consumer.stdout });
  const exited = new Promise<void>((resolve) => consumer.once('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        for await (const line of lines) {
          if (line === '') continue;
          if (line === `${endKey}:end`) ends += 1;
          else records.push(line);
          if (ends === partitions.length) return;
        }
        throw new Error(`the console consumer of ${topic} exited before the end markers: ${stderr}`);
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the console consumer of ${topic} read no end marker within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    lines.close();
    if (consumer.exitCode === null) consumer.kill('SIGKILL');
    await exited;
  }
  return order === 'sorted' ? records.sort() : records;
}
