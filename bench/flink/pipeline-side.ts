// One side of the benchmark: a runtime (Keyflow or Flink StateFun) that consumes topic `names`
// of its own broker and writes greetings to topic `greetings`, and the clock around it.
import { Kafka, Partitioners, logLevel } from 'kafkajs';

/** What one side measured. */
export interface SideResult {
  readonly name: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Kafka from the benchmark's side. */
export class BenchKafka {
  readonly kafka: Kafka;

  constructor(readonly bootstrap: string) {
    this.kafka = new Kafka({ brokers: [bootstrap], clientId: 'keyflow-bench-flink', logLevel: logLevel.NOTHING });
  }

  async createTopics(topics: readonly string[], partitions: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
    await admin.disconnect();
  }

  /** Produces `count` visits with unique keys `<prefix><n>`, `perSecond` (0: as fast as possible); resolves to each key's send time. */
  async produce(prefix: string, count: number, perSecond: number): Promise<Map<string, number>> {
    const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sentAt = new Map<string, number>();
    const batch = perSecond === 0 ? 1_000 : Math.max(1, Math.round(perSecond / 20));
    const started = Date.now();
    for (let sent = 0; sent < count; sent += batch) {
      const keys = Array.from({ length: Math.min(batch, count - sent) }, (_, index) => `${prefix}${sent + index}`);
      if (perSecond > 0) {
        const due = started + (sent / perSecond) * 1_000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      const now = Date.now();
      for (const key of keys) sentAt.set(key, now);
      await producer.send({ topic: 'names', acks: 1, messages: keys.map((key) => ({ key, value: 'visit' })) });
    }
    await producer.disconnect();
    return sentAt;
  }

  /**
   * Reads `greetings` (read_committed) until a greeting for every key of `expected` arrived;
   * resolves to each key's arrival time.
   */
  async awaitGreetings(expected: ReadonlySet<string>, timeoutMs: number): Promise<Map<string, number>> {
    const consumer = this.kafka.consumer({ groupId: `bench-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 50 });
    const arrived = new Map<string, number>();
    await consumer.connect();
    await consumer.subscribe({ topic: 'greetings', fromBeginning: true });
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          const key = message.key?.toString('utf8') ?? '';
          if (expected.has(key) && !arrived.has(key)) arrived.set(key, now);
        }
        if (arrived.size >= expected.size) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await consumer.disconnect();
    if (arrived.size < expected.size) throw new Error(`only ${arrived.size} of ${expected.size} greetings arrived within ${timeoutMs} ms`);
    return arrived;
  }
}

/** Throughput of a preloaded batch: from the first greeting to the last. */
export function throughput(arrived: ReadonlyMap<string, number>): { seconds: number; perSecond: number } {
  const times = [...arrived.values()];
  const seconds = Math.max(0.001, (Math.max(...times) - Math.min(...times)) / 1_000);
  return { seconds, perSecond: arrived.size / seconds };
}

/** p50 and p99 of arrival − send, in ms. */
export function latencies(sentAt: ReadonlyMap<string, number>, arrived: ReadonlyMap<string, number>): { p50: number; p99: number } {
  const values = [...arrived.entries()].map(([key, at]) => at - (sentAt.get(key) ?? at)).sort((a, b) => a - b);
  const at = (q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}
