import { Kafka, logLevel, type Consumer } from 'kafkajs';

/** The gate's Kafka client, through the port-forward of the broker's external listener. */
export function kafkaClient(port: number): Kafka {
  return new Kafka({ clientId: 'keyflow-kind-gate', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/** Sends each key as one record (key = the counter id, value = the key), in order. */
export async function produceEvents(kafka: Kafka, topic: string, keys: readonly string[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < keys.length; i += 200) {
      await producer.send({ topic, acks: -1, messages: keys.slice(i, i + 200).map((key) => ({ key, value: key })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads a topic from the beginning as a `read_committed` consumer until `done` holds for the
 * values seen (those that start with `prefix`), or `timeoutMs` passes; returns those values.
 */
export async function readCommitted(
  kafka: Kafka,
  topic: string,
  prefix: string,
  done: (values: readonly string[]) => boolean,
  timeoutMs = 240_000,
): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `gate-reader-${Date.now()}-${Math.random()}`, readUncommitted: false });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value?.toString('utf8') ?? '';
        if (value.startsWith(`${prefix}-`)) values.push(value);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!done(values) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000));
    // A little longer, so duplicates that would follow the last expected record show up too.
    await new Promise((resolve) => setTimeout(resolve, 5000));
  } finally {
    await consumer.disconnect();
  }
  return [...values].sort();
}

/** Creates topics (ignoring those that exist). */
export async function createTopics(kafka: Kafka, topics: readonly { topic: string; partitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map(({ topic, partitions }) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
