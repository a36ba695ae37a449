import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import { Partitioners, type Admin, type CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { Backoff, sleep } from '../common/backoff';
import { isFatalKafkaError, withKafkaRetries } from './kafka-errors';
import { toRequests, type OutgoingRecord } from './producer-records';

/** The topic whose committed offsets (per egress, in a group of its own) record delivered checkpoints. */
export const COMMIT_MARKER_TOPIC = '__keyflow_egress_commits';

/** The consumer group holding the commit marker of the egress with `transactionalId`. */
export function commitMarkerGroup(transactionalId: string): string {
  return `keyflow-egress-commits.${transactionalId}`;
}

/** Options of {@link TransactionalProducer}. */
export interface TransactionalProducerOptions {
  readonly egressId: string;
  /** Stable across restarts: a restarted runtime fences its predecessor with it. */
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly compression: CompressionTypes;
  readonly logger: Logger;
}

/**
 * Delivers the records of each durable checkpoint in one Kafka transaction, once.
 *
 * In the same transaction as the records, it commits the checkpoint id as the offset of a
 * consumer group of its own (`keyflow-egress-commits.<transactional id>`, on
 * {@link COMMIT_MARKER_TOPIC}): the marker becomes visible exactly when the records do. When it
 * (re)connects, it first fences any older producer with the same transactional id — Kafka
 * aborts that producer's open transaction, so a crashed runtime's half-written checkpoint never
 * becomes visible to `read_committed` consumers — and then reads the marker. A checkpoint whose
 * id is not above the marker was delivered before (the runtime crashed after the transaction
 * committed and before it recorded the delivery) and is skipped.
 *
 * Failures that retrying may fix (a broker restart, a lost coordinator, an expired
 * transaction) are retried, from a fresh producer and a fresh read of the marker, until the
 * checkpoint is delivered: checkpoint ids are delivered in order, never skipped.
 */
export class TransactionalProducer {
  readonly #kafka: Kafka;
  readonly #options: TransactionalProducerOptions;
  #producer: Producer | undefined;
  /** The last checkpoint id known delivered; undefined until read after (re)connecting. */
  #delivered: number | undefined;
  #broken: KeyflowError | undefined;
  #closed = false;
  #initializing: Promise<number> | undefined;

  constructor(kafka: Kafka, options: TransactionalProducerOptions) {
    this.#kafka = kafka;
    this.#options = options;
  }

  /** The last checkpoint id this egress delivered, as far as it knows. */
  get lastDelivered(): number | undefined {
    return this.#delivered;
  }

  /** Connects, fences older producers and reads the marker, unless already done. */
  async ready(): Promise<number> {
    if (this.#producer && this.#delivered !== undefined) return this.#delivered;
    this.#initializing ??= this.#initialize().finally(() => {
      this.#initializing = undefined;
    });
    return this.#initializing;
  }

  async #initialize(): Promise<number> {
    await this.#reset();
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await ensureMarkerTopic(admin);
      const producer = this.#kafka.producer({
        transactionalId: this.#options.transactionalId,
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
      this.#delivered = await readMarker(admin, this.#options.transactionalId);
      if (this.#closed) throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
      this.#options.logger.debug('transactional Kafka producer ready', {
        egress: this.#options.egressId,
        transactionalId: this.#options.transactionalId,
        lastDeliveredCheckpoint: this.#delivered,
      });
      return this.#delivered;
    } finally {
      await admin.disconnect();
    }
  }

  /** Delivers `records` as checkpoint `checkpointId`, unless that checkpoint was delivered already. */
  async commit(checkpointId: number, records: readonly OutgoingRecord[]): Promise<void> {
    const backoff = new Backoff(200, 5_000);
    for (;;) {
      if (this.#broken) throw this.#broken;
      if (this.#closed) throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
      try {
        const delivered = await this.ready();
        if (checkpointId <= delivered) {
          this.#options.logger.info('skipping a checkpoint whose records Kafka has already', {
            egress: this.#options.egressId,
            checkpointId,
            lastDeliveredCheckpoint: delivered,
          });
          return;
        }
        await this.#transaction(checkpointId, records);
        this.#delivered = checkpointId;
        return;
      } catch (error) {
        if (isFatalKafkaError(error)) {
          // Later checkpoints must not overtake this one (the marker would then hide it):
          // the egress stops delivering until the cause is fixed and the runtime restarted.
          this.#broken = new KeyflowError(
            ConnectorErrorCodes.EGRESS_FAILED,
            `Kafka egress ${this.#options.egressId} cannot deliver checkpoint ${checkpointId}: ${describeError(error)}. ` +
              'Its records stay in the checkpoint; fix the cause and restart the runtime.',
            { cause: error },
          );
          throw this.#broken;
        }
        this.#options.logger.warn('delivering a checkpoint to Kafka failed; retrying with a new producer', {
          egress: this.#options.egressId,
          checkpointId,
          attempt: backoff.attempts + 1,
          error,
        });
        await this.#reset();
        await sleep(backoff.next());
      }
    }
  }

  /** Marks the producer broken: every later commit throws `error`. */
  breakWith(error: KeyflowError): void {
    this.#broken ??= error;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#initializing?.catch(() => undefined);
    await this.#reset();
  }

  async #transaction(checkpointId: number, records: readonly OutgoingRecord[]): Promise<void> {
    const producer = this.#producer as Producer;
    const transaction = await producer.transaction();
    try {
      for (const topicMessages of toRequests(records, this.#options.maxRequestBytes)) {
        await transaction.sendBatch({ topicMessages, acks: -1, compression: this.#options.compression });
      }
      await transaction.sendOffsets({
        consumerGroupId: commitMarkerGroup(this.#options.transactionalId),
        topics: [{ topic: COMMIT_MARKER_TOPIC, partitions: [{ partition: 0, offset: String(checkpointId) }] }],
      });
      await transaction.commit();
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async #reset(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#delivered = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

async function ensureMarkerTopic(admin: Admin): Promise<void> {
  if ((await withKafkaRetries(() => admin.listTopics())).includes(COMMIT_MARKER_TOPIC)) return;
  // No records are ever written to it: only its partition 0 carries the markers' offsets.
  await admin
    .createTopics({ topics: [{ topic: COMMIT_MARKER_TOPIC, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
    .catch((error: unknown) => {
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    });
}

async function readMarker(admin: Admin, transactionalId: string): Promise<number> {
  const [committed] = await withKafkaRetries(() => admin.fetchOffsets({ groupId: commitMarkerGroup(transactionalId), topics: [COMMIT_MARKER_TOPIC] }));
  const offset = Number(committed?.partitions.find((partition) => partition.partition === 0)?.offset ?? -1);
  return offset > 0 ? offset : 0;
}
