import { testBroker, startBroker, stopBroker } from '../support/kafka-broker';
import { createTopics, produce, readCommittedWithJavaConsumer, readTopic, uniqueName } from '../support/kafka-helpers';
import { startRuntime, tempDir } from '../support/runtime-harness';

// The suite's broker is stopped and started again (same folder, same ports) while a runtime
// reads from it and writes to it with exactly-once: the runtime reconnects by itself, and
// every record comes out once, in order per key.

jest.setTimeout(120_000);

describe('a Kafka broker restart mid-run', () => {
  it('loses nothing and doubles nothing', async () => {
    const broker = testBroker();
    const { dir, remove } = await tempDir('keyflow-broker-restart-');
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 3);
    const ids = Array.from({ length: 8 }, (_, index) => `id-${index}`);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, index) => ({ key: ids[(from + index) % ids.length] as string, value: `${out}|w${from + index}` }));
    const moduleYaml = `kind: io.statefun.kafka.v1/ingress
spec:
  id: it/in
  address: ${broker.bootstrap}
  consumerGroupId: ${uniqueName('g')}
  startupPosition: { type: earliest }
  topics:
    - topic: ${input}
      valueType: it/Text
      targets: [it/forwarder]
---
kind: io.statefun.kafka.v1/egress
spec:
  id: it/kafka
  address: ${broker.bootstrap}
  deliverySemantic: { type: exactly-once, transactionTimeout: 20s }
  properties:
    - transactional.id: ${uniqueName('keyflow-restart-tx')}
`;
    await produce(input, batch(0, 400));
    const runtime = await startRuntime(moduleYaml, { stateDir: dir, checkpointIntervalMs: 250 });
    try {
      expect((await readTopic(out, { count: 100 })).length).toBeGreaterThanOrEqual(100);
      await stopBroker(broker.dir);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await startBroker(broker.dir, broker.port, broker.controllerPort);
      await produce(input, batch(400, 800));
      // Wait until the runtime wrote them all, then count with Kafka's own read_committed
      // consumer: kafkajs's filtering misses aborted records when the transactions of several
      // producers interleave in a partition, as they do around a broker restart.
      expect((await readTopic(out, { count: 800, timeoutMs: 60_000 })).length).toBeGreaterThanOrEqual(800);
      // The input holds each record once (else duplicates below would be the producer's, not the runtime's).
      expect(await readTopic(input, { count: 800, isolation: 'read_uncommitted', settleMs: 2_000 })).toHaveLength(800);
      let records: { key: string; value: string }[] = [];
      for (const deadline = Date.now() + 60_000; records.length < 800 && Date.now() < deadline; ) {
        records = (await readCommittedWithJavaConsumer(out, { order: 'as-read' }))
          .map((line) => ({ key: line.slice(0, line.indexOf(':')), value: line.slice(line.indexOf(':') + 1) }))
          .filter((record) => ids.includes(record.key)); // not an earlier read's end markers
      }
      // On failure, say which records came twice (the same word: the egress wrote it twice; the same
      // word with another visit number: the function saw its input twice) and which are missing.
      const seen = records.map((record) => `${record.key}:${record.value}`);
      const expected = batch(0, 800).map((message) => message.value.split('|')[1] ?? '');
      const words = records.map((record) => record.value.split('#')[0] ?? '');
      expect({
        doubled: seen.filter((line, index) => seen.indexOf(line) !== index).slice(0, 20),
        wordsSeenTwice: words.filter((word, index) => words.indexOf(word) !== index).length,
        missing: expected.filter((word) => !words.includes(word)).slice(0, 20),
      }).toEqual({ doubled: [], wordsSeenTwice: 0, missing: [] });
      expect(records).toHaveLength(800);
      for (const id of ids) {
        const words = batch(0, 800).filter((message) => message.key === id).map((message, visit) => `${message.value.split('|')[1] ?? ''}#${visit + 1}`);
        expect(records.filter((record) => record.key === id).map((record) => record.value)).toEqual(words);
      }
    } finally {
      await runtime.stop();
      await remove();
    }
  });
});
