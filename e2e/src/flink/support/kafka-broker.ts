// A real Kafka broker for the Flink suite (tools/kafka/kafka.sh on free ports), and Kafka from
// the tests' side: topics, input records, and output as Apache Kafka's own read_committed
// console consumer reads it.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { ROOT, freePort } from '../../support/keyflow-process';

const run = promisify(execFile);
const KAFKA_SCRIPT = join(ROOT, 'tools', 'kafka', 'kafka.sh');

/** A broker this suite started. */
export interface TestBroker {
  readonly bootstrap: string;
  readonly dir: string;
}

/** Starts a one-node broker in a fresh folder on free ports. */
export async function startBroker(): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-flink-kafka-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const settings = ['offsets.topic.num.partitions=4', 'transaction.state.log.num.partitions=4'].flatMap((setting) => ['--set', setting]);
  const { stdout } = await run(KAFKA_SCRIPT, ['start', '--dir', dir, '--port', String(port), '--controller-port', String(controllerPort), ...settings]);
  const bootstrap = /KAFKA_BOOTSTRAP=(\S+)/.exec(stdout)?.[1];
  if (bootstrap === undefined) throw new Error(`kafka.sh start printed no KAFKA_BOOTSTRAP line: ${stdout}`);
  return { bootstrap, dir };
}

export async function stopBroker(broker: TestBroker): Promise<void> {
  await run(KAFKA_SCRIPT, ['stop', '--dir', broker.dir]);
}

function client(broker: TestBroker): Kafka {
  return new Kafka({ brokers: [broker.bootstrap], clientId: 'keyflow-flink-e2e', logLevel: logLevel.NOTHING });
}

/** Creates topics with `partitions` partitions each. */
export async function createTopics(broker: TestBroker, topics: readonly string[], partitions: number): Promise<void> {
  const admin = client(broker).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** Produces records, in order, acknowledged by the broker. */
export async function produce(broker: TestBroker, topic: string, messages: readonly Message[]): Promise<void> {
  const producer = client(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [...messages] });
  } finally {
    await producer.disconnect();
  }
}

/** The example app's output topics as a `read_committed` consumer sees them: `key<TAB>value` lines, sorted. */
export interface CommittedOutput {
  readonly greetings: string[];
  readonly reminders: string[];
  /** Records that are neither (other functions' output, e.g. the suite's e2e/ledger). */
  readonly others: string[];
}

/**
 * The records of the topics `greetings` and `reminders` that a `read_committed` consumer sees
 * (Apache Kafka's console consumer: kafkajs misses aborted records when transactions of several
 * producers interleave, as Flink's do), keeping those whose key starts with `keyPrefix`. Reads
 * until at least the expected numbers are there (or `timeoutMs` passed), then once more a few
 * seconds later, so records that should not be there (duplicates) show up too.
 */
export async function readCommitted(
  broker: TestBroker,
  keyPrefix: string,
  expected: { greetings: number; reminders: number; others?: number },
  timeoutMs = 120_000,
): Promise<CommittedOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = await readOnce(broker, keyPrefix);
    if (output.greetings.length >= expected.greetings && output.reminders.length >= expected.reminders && output.others.length >= (expected.others ?? 0)) {
      // A few checkpoints (and transaction commits) later, read again: extra records would show.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return readOnce(broker, keyPrefix);
    }
    if (Date.now() > deadline) return output;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * One read of both output topics by Apache Kafka's console consumer, `read_committed`, up to
 * end markers written to every partition just before: a marker shows only once every
 * transaction before it is committed or aborted, so the read ends exactly after all records
 * that were there when it started, however slowly the consumer starts.
 */
async function readOnce(broker: TestBroker, keyPrefix: string): Promise<CommittedOutput> {
  const topics = ['greetings', 'reminders'];
  const admin = client(broker).admin();
  await admin.connect();
  let partitions: { topic: string; partition: number }[];
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    partitions = metadata.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.name, partition: partition.partitionId })));
  } finally {
    await admin.disconnect();
  }
  const endKey = `__end-${randomUUID()}`;
  const producer = client(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const topic of topics) {
      await producer.send({ topic, acks: -1, messages: partitions.filter((entry) => entry.topic === topic).map(({ partition }) => ({ key: endKey, value: 'end', partition })) });
    }
  } finally {
    await producer.disconnect();
  }
  const consumer = spawn(KAFKA_SCRIPT, [
    'tool',
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    ...['--bootstrap-server', broker.bootstrap, '--include', `^(${topics.join('|')})$`, '--group', `reader-${randomUUID()}`, '--from-beginning'],
    ...['--isolation-level', 'read_committed', '--property', 'print.key=true'],
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => consumer.once('exit', () => resolve()));
  const lines: string[] = [];
  let ends = 0;
  const reader = createInterface({ input: consumer.stdout });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        for await (const line of reader) {
          if (line.startsWith(`${endKey}\t`)) ends += 1;
          else if (line.startsWith(keyPrefix)) lines.push(line);
          if (ends === partitions.length) return;
        }
      })(),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the console consumer read ${ends} of ${partitions.length} end markers within 120 s`)), 120_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    reader.close();
    if (consumer.exitCode === null) consumer.kill('SIGKILL');
    await exited;
  }
  // The two functions' texts tell the topics apart: greetings start with "Hello".
  const greetings = lines.filter((line) => line.split('\t')[1]?.startsWith('Hello')).sort();
  const reminders = lines.filter((line) => line.split('\t')[1]?.startsWith('reminder')).sort();
  const others = lines.filter((line) => !greetings.includes(line) && !reminders.includes(line)).sort();
  return { greetings, reminders, others };
}
