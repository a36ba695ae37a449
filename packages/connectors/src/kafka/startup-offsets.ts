import type { Logger } from '@keyflow/sdk';
import type { Admin } from 'kafkajs';
import { withKafkaRetries } from './kafka-errors';
import type { KafkaIngressConfig } from './kafka-ingress-kind';
import type { PartitionOffsets } from './kafka-position';

interface Watermarks {
  readonly low: number;
  readonly high: number;
}

/**
 * The offset each partition of the ingress's topics starts at: the restored checkpoint's where
 * it has one, else the startup position's. As in StateFun, a partition that `specific-offsets`
 * does not name starts at its group offset, and any start offset that is missing (no group
 * offset) or out of range falls back to `autoOffsetResetPosition`. Topics that do not exist
 * yet are left out (the consumer picks them up, with the group offsets or the reset position).
 */
export async function resolveStartOffsets(
  admin: Admin,
  config: KafkaIngressConfig,
  restored: PartitionOffsets | undefined,
  logger: Logger,
): Promise<PartitionOffsets> {
  const existing = new Set(await withKafkaRetries(() => admin.listTopics()));
  const topics = config.topics.map((route) => route.topic).filter((topic) => existing.has(topic));
  const missing = config.topics.map((route) => route.topic).filter((topic) => !existing.has(topic));
  if (missing.length > 0) logger.warn('Kafka ingress topics do not exist yet; they are read once they do', { ingress: config.id, topics: missing });
  if (topics.length === 0) return new Map();

  const metadata = await withKafkaRetries(() => admin.fetchTopicMetadata({ topics }));
  const position = config.startupPosition;
  const groupOffsets = position.type === 'group-offsets' || position.type === 'specific-offsets'
    ? await fetchGroupOffsets(admin, config.consumerGroupId, topics)
    : new Map<string, Map<number, number>>();
  const specific = new Map<string, number>();
  if (position.type === 'specific-offsets') {
    for (const { topic, partition, offset } of position.offsets) specific.set(`${topic}/${partition}`, offset);
  }

  const result: PartitionOffsets = new Map();
  for (const { name: topic, partitions } of metadata.topics) {
    const watermarks = new Map((await withKafkaRetries(() => admin.fetchTopicOffsets(topic))).map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
    // For a date, kafkajs answers the high watermark where no record is that recent.
    const byDate = position.type === 'date'
      ? new Map((await withKafkaRetries(() => admin.fetchTopicOffsetsByTimestamp(topic, position.epochMillis))).map((p) => [p.partition, Number(p.offset)]))
      : new Map<number, number>();
    const starts = new Map<number, number>();
    for (const { partitionId } of partitions) {
      const range = watermarks.get(partitionId) ?? { low: 0, high: 0 };
      const wanted = restored?.get(topic)?.get(partitionId) ?? startupOffset(topic, partitionId, range, byDate);
      starts.set(partitionId, wanted !== undefined && inRange(wanted, range) ? wanted : resetOffset(range));
    }
    result.set(topic, starts);
  }
  return result;

  function startupOffset(topic: string, partition: number, range: Watermarks, byDate: ReadonlyMap<number, number>): number | undefined {
    switch (position.type) {
      case 'earliest':
        return range.low;
      case 'latest':
        return range.high;
      case 'date':
        return byDate.get(partition);
      case 'specific-offsets':
        return specific.get(`${topic}/${partition}`) ?? groupOffsets.get(topic)?.get(partition);
      case 'group-offsets':
        return groupOffsets.get(topic)?.get(partition);
    }
  }

  function resetOffset(range: Watermarks): number {
    return config.autoOffsetResetPosition === 'earliest' ? range.low : range.high;
  }
}

function inRange(offset: number, range: Watermarks): boolean {
  return offset >= range.low && offset <= range.high;
}

async function fetchGroupOffsets(admin: Admin, groupId: string, topics: string[]): Promise<Map<string, Map<number, number>>> {
  const committed = await withKafkaRetries(() => admin.fetchOffsets({ groupId, topics }));
  return new Map(
    committed.map(({ topic, partitions }) => [
      topic,
      new Map(partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)])),
    ]),
  );
}
