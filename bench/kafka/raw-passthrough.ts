import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';

/**
 * The anchor: a plain kafkajs consumer whose `eachBatch` sends every batch on to the output
 * topic with an idempotent producer (acks from all replicas) and resolves the batch once the
 * broker acknowledged it. Resolves with records per second once `total` records are written.
 */
export async function rawPassthrough(bootstrap: string, input: string, output: string, total: number): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-raw', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await producer.connect();
  let written = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const messages: Message[] = batch.messages.map((message) => ({ key: message.key, value: message.value }));
      await producer.send({ topic: output, acks: -1, messages });
      const last = batch.messages.at(-1);
      if (last) resolveOffset(last.offset);
      await heartbeat();
      written += messages.length;
      if (written >= total) done();
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return total / seconds;
}
