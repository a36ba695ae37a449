import { Partitioners, type Producer } from 'kafkajs';
import { fetchStableOffsets } from '../../src/kafka/stable-offset-fetch';
import { createTopics, groupOffsets, testKafka, uniqueName } from '../support/kafka-helpers';

// The exactly-once egress reads its commit marker (a transactional consumer-group offset) right
// after fencing the producer that committed it. A plain OffsetFetch answers with the offset
// committed before while a transaction's offsets are pending; the stable read waits for them.

jest.setTimeout(60_000);

describe('reading transactional offsets stably', () => {
  const topic = uniqueName('markers');
  const producers: Producer[] = [];

  beforeAll(async () => {
    await createTopics([topic], 1);
  });

  afterAll(async () => {
    await Promise.all(producers.map((producer) => producer.disconnect().catch(() => undefined)));
  });

  async function transactionalProducer(): Promise<Producer> {
    const producer = testKafka().producer({
      transactionalId: uniqueName('stable-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producers.push(producer);
    await producer.connect();
    return producer;
  }

  /** A transaction that commits `offset` for `groupId`, left open (each in a producer of its own, so none waits for another). */
  async function commitOffset(groupId: string, offset: number) {
    const producer = await transactionalProducer();
    const transaction = await producer.transaction();
    await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: String(offset) }] }] });
    return transaction;
  }

  const read = (groupId: string, timeoutMs = 20_000) => fetchStableOffsets(testKafka(), { groupId, topic, partitions: [0], timeoutMs });

  it('answers with the committed offset, and -1 for a group without one', async () => {
    const groupId = uniqueName('stable-group');
    expect(await read(groupId)).toEqual(new Map([[0, -1n]]));
    await (await commitOffset(groupId, 5)).commit();
    expect(await read(groupId)).toEqual(new Map([[0, 5n]]));
  });

  it("waits while a transaction's offsets are pending, where a plain read answers with the older offset", async () => {
    const groupId = uniqueName('stable-group');
    await (await commitOffset(groupId, 5)).commit();

    const open = await commitOffset(groupId, 9);
    let answer: Map<number, bigint> | undefined;
    const reading = read(groupId).then((offsets) => (answer = offsets));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(answer).toBeUndefined();
    expect(await groupOffsets(groupId, topic)).toEqual({ 0: 5 });

    await open.commit();
    await reading;
    expect(answer).toEqual(new Map([[0, 9n]]));
  });

  it('fails after its timeout when the offsets stay pending, and reads the older offset once the transaction is aborted', async () => {
    const groupId = uniqueName('stable-group');
    await (await commitOffset(groupId, 5)).commit();
    const open = await commitOffset(groupId, 12);
    await expect(read(groupId, 800)).rejects.toThrow(`the offsets of consumer group ${groupId} stayed unstable`);
    await open.abort();
    expect(await read(groupId)).toEqual(new Map([[0, 5n]]));
  });
});
