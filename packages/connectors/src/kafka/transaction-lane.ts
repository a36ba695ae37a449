import { Partitioners, type Admin, type CompressionTypes, type Kafka, type Producer, type TopicMessages, type Transaction } from 'kafkajs';
import { withKafkaRetries } from './kafka-errors';
import { fetchStableOffsets } from './stable-offset-fetch';
import { toRequests, type OutgoingRecord } from './producer-records';

/** The topic whose committed offsets (per egress, in a group of its own) record delivered checkpoints. */
export const COMMIT_MARKER_TOPIC = '__keyflow_egress_commits';

/** The consumer group holding the commit marker of the producer with `transactionalId`. */
export function commitMarkerGroup(transactionalId: string): string {
  return `keyflow-egress-commits.${transactionalId}`;
}

/** Options of {@link TransactionLane}. */
export interface TransactionLaneOptions {
  /** Stable across restarts: a restarted runtime fences its predecessor with it. */
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly compression: CompressionTypes;
}

/**
 * One transactional Kafka producer and its commit marker: the checkpoint id committed, in the
 * same transaction as the checkpoint's records, as the offset of partition 0 of
 * {@link COMMIT_MARKER_TOPIC} in the group {@link commitMarkerGroup}. It has at most one
 * transaction open, which it begins with the first records sent after a commit.
 */
export class TransactionLane {
  readonly transactionalId: string;
  readonly #kafka: Kafka;
  readonly #options: TransactionLaneOptions;
  #producer: Producer | undefined;
  #transaction: Transaction | undefined;

  constructor(kafka: Kafka, options: TransactionLaneOptions) {
    this.transactionalId = options.transactionalId;
    this.#kafka = kafka;
    this.#options = options;
  }

  /** True while a transaction is open. */
  get inTransaction(): boolean {
    return this.#transaction !== undefined;
  }

  /**
   * Connects a new producer, fences older ones with the same transactional id (Kafka aborts
   * their open transaction) and resolves with the last checkpoint id the marker holds (0: none).
   */
  async start(admin: Admin): Promise<number> {
    await this.stop();
    const producer = this.#kafka.producer({
      transactionalId: this.transactionalId,
      transactionTimeout: this.#options.transactionTimeoutMs,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#producer = producer;
    await producer.connect();
    // InitProducerId happens with the first transaction: it bumps the epoch (fencing older
    // producers) and waits until their open transaction is aborted or completed.
    const fence = await producer.transaction();
    await fence.abort();
    return readMarker(this.#kafka, admin, this.transactionalId, this.#options.transactionTimeoutMs);
  }

  /** Sends one request into the open transaction, beginning one if none is open. */
  async send(topicMessages: TopicMessages[]): Promise<void> {
    this.#transaction ??= await this.#started().transaction();
    await this.#transaction.sendBatch({ topicMessages, acks: -1, compression: this.#options.compression });
  }

  /** Commits the open transaction with `checkpointId` as its marker. */
  async commit(checkpointId: number): Promise<void> {
    const transaction = this.#transaction;
    if (!transaction) throw new Error(`no transaction is open on ${this.transactionalId}`);
    await transaction.sendOffsets(markerOffsets(this.transactionalId, checkpointId));
    await transaction.commit();
    // A restart may have started another transaction meanwhile.
    if (this.#transaction === transaction) this.#transaction = undefined;
  }

  /** Writes `records` and the marker `checkpointId` in one new transaction. */
  async commitWhole(checkpointId: number, records: readonly OutgoingRecord[], maxRequestBytes: number): Promise<void> {
    for (const topicMessages of toRequests(records, maxRequestBytes)) await this.send(topicMessages);
    if (!this.#transaction) this.#transaction = await this.#started().transaction();
    await this.commit(checkpointId);
  }

  /** Disconnects; an open transaction stays invisible until Kafka aborts it (timeout or fence). */
  async stop(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#transaction = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  #started(): Producer {
    if (!this.#producer) throw new Error(`the producer of ${this.transactionalId} is not started`);
    return this.#producer;
  }
}

/** Creates {@link COMMIT_MARKER_TOPIC} unless it exists. */
export async function ensureMarkerTopic(admin: Admin): Promise<void> {
  if ((await withKafkaRetries(() => admin.listTopics())).includes(COMMIT_MARKER_TOPIC)) return;
  // No records are ever written to it: only its partition 0 carries the markers' offsets.
  await admin
    .createTopics({ topics: [{ topic: COMMIT_MARKER_TOPIC, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    .catch((error: unknown) => {
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    });
}

/**
 * The marker's offset, read stably when the broker can (see {@link fetchStableOffsets}): a plain
 * read right after the fence could return the checkpoint before the one the fenced transaction
 * committed, and that checkpoint would be delivered twice.
 */
async function readMarker(kafka: Kafka, admin: Admin, transactionalId: string, timeoutMs: number): Promise<number> {
  const groupId = commitMarkerGroup(transactionalId);
  const stable = await withKafkaRetries(() => fetchStableOffsets(kafka, { groupId, topic: COMMIT_MARKER_TOPIC, partitions: [0], timeoutMs }));
  let offset: number;
  if (stable) {
    offset = Number(stable.get(0) ?? -1n);
  } else {
    const [committed] = await withKafkaRetries(() => admin.fetchOffsets({ groupId, topics: [COMMIT_MARKER_TOPIC] }));
    offset = Number(committed?.partitions.find((partition) => partition.partition === 0)?.offset ?? -1);
  }
  return offset > 0 ? offset : 0;
}

function markerOffsets(transactionalId: string, checkpointId: number) {
  return {
    consumerGroupId: commitMarkerGroup(transactionalId),
    topics: [{ topic: COMMIT_MARKER_TOPIC, partitions: [{ partition: 0, offset: String(checkpointId) }] }],
  };
}
