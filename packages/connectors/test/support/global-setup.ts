import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { withKafkaRetries } from '../../src/kafka/kafka-errors';
import { freePort, publishBroker, startBroker, stopBroker } from './kafka-broker';

/**
 * Starts the suite's Kafka broker (installing it on first use: ~47 MB from Maven Central into
 * ~/.cache/keyflow) in a fresh folder on free ports, and warms up its group and transaction
 * coordinators so that the first tests do not wait for them.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['KEYFLOW_TEST_KAFKA_BOOTSTRAP'] !== undefined && process.env['KEYFLOW_TEST_KAFKA_DIR'] !== undefined) return;
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-connectors-kafka-'));
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const bootstrap = await startBroker(dir, port, controllerPort);
  try {
    await warmUp(bootstrap);
  } catch (error) {
    await stopBroker(dir);
    throw error;
  }
  publishBroker({ bootstrap, dir, port, controllerPort });
  process.env['KEYFLOW_TEST_KAFKA_STARTED'] = '1';
}

async function warmUp(bootstrap: string): Promise<void> {
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'keyflow-test-warm-up', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await withKafkaRetries(() => admin.createTopics({ topics: [{ topic: 'keyflow-warm-up', numPartitions: 1 }] }));
    await withKafkaRetries(() => admin.fetchOffsets({ groupId: 'keyflow-warm-up', topics: ['keyflow-warm-up'] }));
    const producer = kafka.producer({ transactionalId: 'keyflow-warm-up', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await withKafkaRetries(async () => {
      const transaction = await producer.transaction();
      await transaction.send({ topic: 'keyflow-warm-up', messages: [{ value: 'x' }] });
      await transaction.sendOffsets({ consumerGroupId: 'keyflow-warm-up', topics: [{ topic: 'keyflow-warm-up', partitions: [{ partition: 0, offset: '1' }] }] });
      await transaction.commit();
    });
    await producer.disconnect();
  } finally {
    await admin.disconnect();
  }
}
