// A real Kafka broker for the Flink suite (tools/kafka/kafka.sh on free ports), and Kafka from
// the tests' side: topics, input records, and output as Apache Kafka's own read_committed
// console consumer reads it.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
}

/**
 * The records of the topics `greetings` and `reminders` that a `read_committed` consumer sees
 * (Apache Kafka's console consumer: kafkajs misses aborted records when transactions of several
 * producers interleave, as Flink's do), keeping those whose key starts with `keyPrefix`. Reads
 * until at least the expected numbers are there (or `timeoutMs` passed); every read goes on
 * until the topics are idle for a few seconds, so records that should not be there
 * (duplicates) show up too.
 */
export async function readCommitted(broker: TestBroker, keyPrefix: string, expected: { greetings: number; reminders: number }, timeoutMs = 120_000): Promise<CommittedOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await run(
      KAFKA_SCRIPT,
      [
        'tool',
        'org.apache.kafka.tools.consumer.ConsoleConsumer',
        ...['--bootstrap-server', broker.bootstrap, '--include', '^(greetings|reminders)$', '--from-beginning'],
        ...['--isolation-level', 'read_committed', '--property', 'print.key=true', '--timeout-ms', '3000'],
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const lines = stdout.split('\n').filter((line) => line.startsWith(keyPrefix));
    // The two functions' texts tell the topics apart: greetings start with "Hello".
    const output = {
      greetings: lines.filter((line) => line.split('\t')[1]?.startsWith('Hello')).sort(),
      reminders: lines.filter((line) => line.split('\t')[1]?.startsWith('reminder')).sort(),
    };
    if ((output.greetings.length >= expected.greetings && output.reminders.length >= expected.reminders) || Date.now() > deadline) return output;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
