import { silentLogger } from '@keyflow/sdk';
import type { EgressRecord, TransactionalEgressSink } from '@keyflow/runtime/kinds';
import { KAFKA_PRODUCER_RECORD_TYPENAME, encodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import { Partitioners } from 'kafkajs';
import { KafkaTransactionalEgress, type KafkaEgressConfig } from '../../src';
import { testBroker } from '../support/kafka-broker';
import { createTopics, produce, readCommittedWithJavaConsumer, readTopic, testKafka, uniqueName, type ReadRecord } from '../support/kafka-helpers';
import { startRuntime, tempDir } from '../support/runtime-harness';
import { kafkaRelayModule } from '../support/kafka-relay-module';

// The Kafka egress against a real broker: records from functions reach their topics with
// every delivery semantic; with exactly-once, a read_committed consumer sees each record once,
// never those of aborted or never-committed transactions, also when a checkpoint is delivered
// again after a crash.

jest.setTimeout(60_000);

function moduleYaml(input: string, semantic: string, extra: string[] = []): string {
  return kafkaRelayModule(input, 'it/forwarder', semantic, extra);
}

function producerRecord(topic: string, key: string, value: string): EgressRecord {
  return {
    egress: 'it/kafka',
    value: { typename: KAFKA_PRODUCER_RECORD_TYPENAME, hasValue: true, value: encodeKafkaProducerRecord({ topic, key, valueBytes: Buffer.from(value) }) },
  };
}

/** `key:value` per record, sorted: what was delivered, with multiplicity. */
function delivered(records: readonly ReadRecord[]): string[] {
  return records.map((record) => `${record.key ?? ''}:${record.value}`).sort();
}

/** Input `<out>|w<n>` for `ids`, `words` each, and the output the forwarder makes of it. */
function workload(out: string, ids: readonly string[], words: number): { input: { key: string; value: string }[]; expected: string[] } {
  const input = [];
  const expected = [];
  for (let word = 0; word < words; word++) {
    for (const id of ids) {
      input.push({ key: id, value: `${out}|w${word}` });
      expected.push(`${id}:w${word}#${word + 1}`);
    }
  }
  return { input, expected: expected.sort() };
}

describe('Kafka egress', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir('keyflow-kafka-egress-'));
  });
  afterEach(async () => {
    await remove();
  });

  it.each(['at-least-once', 'none'])('delivers function records with %s, keyed, in order per key', async (semantic) => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input], 2);
    await createTopics([out], 3);
    const { input: messages, expected } = workload(out, ['ann', 'bob', 'cy', 'dee'], 25);
    await produce(input, messages);
    const runtime = await startRuntime(moduleYaml(input, semantic), { stateDir: dir });
    let records: ReadRecord[];
    try {
      records = await readTopic(out, { count: expected.length });
    } finally {
      await runtime.stop();
    }
    expect(delivered(records)).toEqual(expected);
    for (const id of ['ann', 'bob', 'cy', 'dee']) {
      const ofId = records.filter((record) => record.key === id);
      expect(ofId.map((record) => record.value)).toEqual(Array.from({ length: 25 }, (_, word) => `w${word}#${word + 1}`));
      expect(new Set(ofId.map((record) => record.partition)).size).toBe(1);
    }
  });

  it('with exactly-once, writes each checkpoint in one transaction that read_committed consumers see once', async () => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 2);
    const { input: messages, expected } = workload(out, ['ann', 'bob', 'cy'], 40);
    await produce(input, messages);
    const runtime = await startRuntime(moduleYaml(input, 'exactly-once', ['transactionTimeout: 30s']), { stateDir: dir, checkpointIntervalMs: 200 });
    let committed: ReadRecord[];
    try {
      committed = await readTopic(out, { count: expected.length, settleMs: 500 });
    } finally {
      await runtime.stop();
    }
    expect(delivered(committed)).toEqual(expected);
  });

  describe('exactly-once delivery of one checkpoint', () => {
    const config = (transactionalId: string): KafkaEgressConfig => ({
      id: 'it/kafka',
      address: testBroker().bootstrap,
      deliverySemantic: 'exactly-once',
      transactionTimeoutMs: 30_000,
      properties: { 'transactional.id': transactionalId },
    });

    it('is idempotent per checkpoint id, also across a restart', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const transactionalId = uniqueName('keyflow-test-tx');
      const first = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await first.commit(1, [producerRecord(out, 'a', 'one'), producerRecord(out, 'b', 'two')]);
      await first.commit(1, [producerRecord(out, 'a', 'one'), producerRecord(out, 'b', 'two')]);
      await first.close();
      // The runtime crashed after the transaction committed and before it noted the delivery:
      // after the restart it hands the same checkpoint over again.
      const second = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await second.commit(1, [producerRecord(out, 'a', 'one'), producerRecord(out, 'b', 'two')]);
      await second.commit(2, [producerRecord(out, 'c', 'three')]);
      await second.close();
      expect(delivered(await readTopic(out, { count: 3, settleMs: 500 }))).toEqual(['a:one', 'b:two', 'c:three']);
    });

    it('sends records ahead into a transaction that read_committed consumers see only once its checkpoint commits', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const egress = new KafkaTransactionalEgress(config(uniqueName('keyflow-test-tx')), { logger: silentLogger });
      try {
        const first = [producerRecord(out, 'a', 'one'), producerRecord(out, 'b', 'two')];
        egress.stage(first);
        // Written before any commit, but inside a transaction still open.
        expect(delivered(await readTopic(out, { count: 2, isolation: 'read_uncommitted' }))).toEqual(['a:one', 'b:two']);
        expect(await readTopic(out, { count: 1, timeoutMs: 1_500 })).toEqual([]);
        egress.seal(1);
        // Staged after checkpoint 1's instant: it belongs to checkpoint 2, and goes out on the
        // second producer's transaction while checkpoint 1 waits to be durable.
        const second = [producerRecord(out, 'a', 'three')];
        egress.stage(second);
        expect(await readTopic(out, { count: 3, isolation: 'read_uncommitted' })).toHaveLength(3);
        await egress.commit(1, first);
        expect(delivered(await readTopic(out, { count: 3, timeoutMs: 1_500 }))).toEqual(['a:one', 'b:two']);
        egress.seal(2);
        await egress.commit(2, second);
        const committed = await readTopic(out, { count: 3, settleMs: 500 });
        expect(committed.filter((record) => record.key === 'a').map((record) => record.value)).toEqual(['one', 'three']);
        expect(delivered(committed)).toEqual(['a:one', 'a:three', 'b:two']);
        // The commits used what was sent ahead: nothing was written twice.
        expect(delivered(await readTopic(out, { count: 4, isolation: 'read_uncommitted', timeoutMs: 1_500 }))).toEqual(['a:one', 'a:three', 'b:two']);
      } finally {
        await egress.close();
      }
    });

    it('after a restart, skips a checkpoint committed by either of its two producers', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const transactionalId = uniqueName('keyflow-test-tx');
      const batches = [[producerRecord(out, 'a', 'one')], [producerRecord(out, 'b', 'two')], [producerRecord(out, 'c', 'three')]];
      const [one, two, three] = batches as [EgressRecord[], EgressRecord[], EgressRecord[]];
      const first = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      first.stage(one);
      first.seal(1);
      // Staged before checkpoint 1 commits: it goes to the other producer.
      first.stage(two);
      await first.commit(1, one);
      first.seal(2);
      await first.commit(2, two);
      await first.close();
      // Checkpoint 1 went through one producer, 2 through the other: both are known delivered.
      const restarted = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await restarted.commit(1, one);
      await restarted.commit(2, two);
      await restarted.commit(3, three);
      await restarted.close();
      expect(delivered(await readTopic(out, { count: 4, isolation: 'read_uncommitted', timeoutMs: 2_000 }))).toEqual(['a:one', 'b:two', 'c:three']);
    });

    it('delivers once, with the next checkpoint, the records of a checkpoint that failed and was reopened', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const egress = new KafkaTransactionalEgress(config(uniqueName('keyflow-test-tx')), { logger: silentLogger });
      try {
        const failed = [producerRecord(out, 'a', 'one')];
        egress.stage(failed);
        egress.seal(1);
        const newer = [producerRecord(out, 'b', 'two')];
        egress.stage(newer);
        egress.reopen();
        egress.seal(1);
        await egress.commit(1, [...failed, ...newer]);
      } finally {
        await egress.close();
      }
      expect(delivered(await readTopic(out, { count: 3, timeoutMs: 2_000 }))).toEqual(['a:one', 'b:two']);
    });

    it('after a crash between a checkpoint and its commit, aborts what was sent ahead and delivers the checkpoint whole, once', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const transactionalId = uniqueName('keyflow-test-tx');
      const records = [producerRecord(out, 'a', 'one'), producerRecord(out, 'b', 'two')];
      const crashed = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      crashed.stage(records);
      crashed.seal(1);
      // The next checkpoint's records, sent ahead on the other producer.
      crashed.stage([producerRecord(out, 'c', 'lost-with-the-crash')]);
      expect(await readTopic(out, { count: 3, isolation: 'read_uncommitted' })).toHaveLength(3);
      // The process dies here: both transactions are left open, and checkpoint 1 keeps its records.
      await crashed.close();

      const restarted = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await restarted.commit(1, records);
      await restarted.close();
      expect(await readCommittedWithJavaConsumer(out)).toEqual(['a:one', 'b:two']);
      expect(delivered(await readTopic(out, { count: 5, isolation: 'read_uncommitted' }))).toEqual(['a:one', 'a:one', 'b:two', 'b:two', 'c:lost-with-the-crash']);
    });

    it('fails the commit of a checkpoint with a record it cannot write, and every commit after it', async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const egress = new KafkaTransactionalEgress(config(uniqueName('keyflow-test-tx')), { logger: silentLogger });
      try {
        const bad: EgressRecord = { egress: 'it/kafka', value: { typename: 'it/NotAProducerRecord', hasValue: true, value: Buffer.from('x') } };
        const records = [producerRecord(out, 'a', 'one'), bad];
        egress.stage(records);
        egress.seal(1);
        await expect(egress.commit(1, records)).rejects.toThrow(/it\/NotAProducerRecord/);
        await expect(egress.commit(2, [producerRecord(out, 'b', 'two')])).rejects.toThrow(/it\/NotAProducerRecord/);
      } finally {
        await egress.close();
      }
      expect(await readTopic(out, { count: 1, timeoutMs: 1_500 })).toEqual([]);
    });

    it("fences a crashed runtime's producer: its open transaction is aborted and never seen", async () => {
      const out = uniqueName('out');
      await createTopics([out], 1);
      const transactionalId = uniqueName('keyflow-test-tx');
      const egress = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await egress.commit(1, [producerRecord(out, 'a', 'before')]);
      await egress.close();

      // A zombie with the same transactional id: it wrote a transaction and never committed it.
      const zombie = testKafka().producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await zombie.connect();
      const open = await zombie.transaction();
      await open.send({ topic: out, messages: [{ key: 'z', value: 'never-committed' }] });
      // Another producer aborts its transaction.
      const aborter = testKafka().producer({ transactionalId: uniqueName('keyflow-test-tx'), idempotent: true, maxInFlightRequests: 1 });
      await aborter.connect();
      const aborted = await aborter.transaction();
      await aborted.send({ topic: out, messages: [{ key: 'x', value: 'aborted' }] });
      await aborted.abort();
      await aborter.disconnect();

      const restarted = new KafkaTransactionalEgress(config(transactionalId), { logger: silentLogger });
      await restarted.commit(2, [producerRecord(out, 'b', 'after')]);
      await restarted.close();
      await expect(open.commit()).rejects.toThrow();
      await zombie.disconnect();

      expect(await readCommittedWithJavaConsumer(out)).toEqual(['a:before', 'b:after']);
      // The records were written: only read_committed hides them.
      expect(delivered(await readTopic(out, { count: 4, isolation: 'read_uncommitted' }))).toEqual([
        'a:before',
        'b:after',
        'x:aborted',
        'z:never-committed',
      ]);
    });
  });

  it('delivers each record once when the runtime dies between a durable checkpoint and noting its delivery', async () => {
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 1);
    const transactionalId = uniqueName('keyflow-test-tx');
    const egressConfig: KafkaEgressConfig = {
      id: 'it/kafka',
      address: testBroker().bootstrap,
      deliverySemantic: 'exactly-once',
      transactionTimeoutMs: 30_000,
      properties: { 'transactional.id': transactionalId },
    };
    const yaml = moduleYaml(input, 'exactly-once').split('---')[0] as string;
    await produce(input, workload(out, ['ann', 'bob'], 5).input);

    // Delivers each checkpoint, but fails right after the first transaction committed, as if
    // the process died there: the checkpoint keeps its records marked as not yet delivered.
    const real = new KafkaTransactionalEgress(egressConfig, { logger: silentLogger });
    let failed = false;
    const dying: TransactionalEgressSink = {
      id: real.id,
      deliverySemantic: real.deliverySemantic,
      commit: async (checkpointId, records) => {
        await real.commit(checkpointId, records);
        if (!failed) {
          failed = true;
          throw new Error('simulated crash after the Kafka transaction committed');
        }
      },
      close: () => real.close(),
    };
    let runtime = await startRuntime(yaml, { stateDir: dir, egresses: [dying] });
    expect((await readTopic(input, { count: 10 })).length).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await runtime.whenIdle();
    await runtime.checkpoint().catch(() => undefined);
    expect(failed).toBe(true);
    await produce(input, workload(out, ['cy'], 3).input);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await runtime.whenIdle();
    await runtime.stop();

    // The restart delivers the undelivered checkpoint again: the marker says Kafka has it.
    runtime = await startRuntime(yaml, { stateDir: dir, egresses: [new KafkaTransactionalEgress(egressConfig, { logger: silentLogger })] });
    await runtime.stop();
    const expected = [...workload(out, ['ann', 'bob'], 5).expected, ...workload(out, ['cy'], 3).expected].sort();
    expect(delivered(await readTopic(out, { count: expected.length, settleMs: 1_000 }))).toEqual(expected);
  });
});
