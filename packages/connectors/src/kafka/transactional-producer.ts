import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import {
  Partitioners,
  type Admin,
  type CompressionTypes,
  type Kafka,
  type Offsets,
  type Producer,
  type TopicMessages,
  type Transaction,
} from 'kafkajs';
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

/** The records of one checkpoint interval, in the order they were produced. */
interface Interval {
  /** Set at the interval's checkpoint instant; undefined while records still join it. */
  checkpointId: number | undefined;
  readonly records: OutgoingRecord[];
  /** One of its records could not be converted: it is not sent ahead, and its commit fails. */
  spoiled: boolean;
}

/** The Kafka transaction under way: it holds the first `sent` records of `interval`. */
interface OpenTransaction {
  readonly interval: Interval;
  readonly transaction: Transaction;
  sent: number;
}

/**
 * Delivers the records of each durable checkpoint in one Kafka transaction, once.
 *
 * Records are sent ahead: as they are staged, the records of the oldest checkpoint interval
 * not yet delivered go into an open transaction, which `read_committed` consumers do not see.
 * When that checkpoint is durable, {@link TransactionalProducer.commit} only sends what is left,
 * adds the commit marker and commits. Records staged after the checkpoint's instant wait in
 * memory for the next transaction (Kafka allows one open transaction per transactional id).
 * A checkpoint that nothing was staged for — one restored after a restart — is sent whole.
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
 * transaction) are retried, from a fresh producer, a fresh read of the marker and a new
 * transaction holding the interval's records again, until the checkpoint is delivered:
 * checkpoint ids are delivered in order, never skipped. Every use of the producer runs in one
 * queue, one at a time.
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
  /** Staged intervals not yet delivered, oldest first; only the oldest is ever in a transaction. */
  #intervals: Interval[] = [];
  /** The interval the last {@link seal} closed, for {@link reopen}. */
  #lastSealed: Interval | undefined;
  #open: OpenTransaction | undefined;
  #queue: Promise<void> = Promise.resolve();
  #sendAheadQueued = false;

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

  /** Records of the open checkpoint interval, in order; sent ahead once it is the oldest. */
  stage(records: readonly OutgoingRecord[]): void {
    if (this.#broken || this.#closed) return;
    const interval = this.#openInterval();
    for (const record of records) interval.records.push(record);
    this.#sendAheadSoon();
  }

  /** A record of the open interval could not be converted: the interval's commit will fail on it. */
  spoil(): void {
    this.#openInterval().spoiled = true;
  }

  /** The instant of checkpoint `checkpointId`: what was staged since the last seal is its. */
  seal(checkpointId: number): void {
    const last = this.#intervals.at(-1);
    this.#lastSealed = undefined;
    if (!last || last.checkpointId !== undefined) return;
    last.checkpointId = checkpointId;
    this.#lastSealed = last;
  }

  /** The checkpoint sealed last failed: its records join the open interval again, first. */
  reopen(): void {
    const sealed = this.#lastSealed;
    this.#lastSealed = undefined;
    const index = sealed ? this.#intervals.indexOf(sealed) : -1;
    if (!sealed || index < 0) return;
    sealed.checkpointId = undefined;
    const newer = this.#intervals[index + 1];
    if (newer) {
      for (const record of newer.records) sealed.records.push(record);
      sealed.spoiled ||= newer.spoiled;
      this.#intervals.splice(index + 1, 1);
    }
    this.#sendAheadSoon();
  }

  /**
   * Delivers checkpoint `checkpointId`, unless it was delivered already. When its `count`
   * records were staged, what was sent ahead is committed; otherwise `records()` are sent whole.
   */
  async commit(checkpointId: number, count: number, records: () => readonly OutgoingRecord[]): Promise<void> {
    this.#throwIfUnusable();
    const oldest = this.#intervals[0];
    if (oldest && oldest.checkpointId === checkpointId && !oldest.spoiled && oldest.records.length === count) {
      await this.#exclusive(() => this.#commitStaged(oldest, checkpointId));
    } else {
      const all = records();
      await this.#exclusive(() => this.#commitWhole(checkpointId, all));
    }
  }

  /** Marks the producer broken: every later commit throws `error`. */
  breakWith(error: KeyflowError): void {
    this.#broken ??= error;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#initializing?.catch(() => undefined);
    // An open transaction stays invisible: Kafka aborts it when its timeout passes or when a
    // producer with the same transactional id starts.
    await this.#reset();
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
      this.#throwIfUnusable();
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

  #openInterval(): Interval {
    const last = this.#intervals.at(-1);
    if (last && last.checkpointId === undefined) return last;
    const interval: Interval = { checkpointId: undefined, records: [], spoiled: false };
    this.#intervals.push(interval);
    return interval;
  }

  /** Runs `task` after every use of the producer queued before it. */
  #exclusive(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Queues sending the oldest interval's new records into its transaction, unless queued already. */
  #sendAheadSoon(): void {
    if (this.#sendAheadQueued) return;
    this.#sendAheadQueued = true;
    // A failure here that no retry fixes breaks the producer; the next commit reports it.
    this.#exclusive(async () => {
      this.#sendAheadQueued = false;
      const oldest = this.#intervals[0];
      if (!oldest || oldest.spoiled) return;
      await this.#withRetries(oldest.checkpointId, async () => {
        if (!(await this.#sendStaged(oldest))) this.#dropDelivered(oldest);
      });
    }).catch(() => undefined);
  }

  async #commitStaged(interval: Interval, checkpointId: number): Promise<void> {
    await this.#withRetries(checkpointId, async () => {
      const open = await this.#sendStaged(interval);
      if (!open) {
        this.#dropDelivered(interval);
        return;
      }
      await open.transaction.sendOffsets(markerOffsets(this.#options.transactionalId, checkpointId));
      await open.transaction.commit();
      this.#open = undefined;
      this.#delivered = checkpointId;
      this.#intervals = this.#intervals.filter((other) => other !== interval);
    });
    this.#sendAheadSoon();
  }

  async #commitWhole(checkpointId: number, records: readonly OutgoingRecord[]): Promise<void> {
    // Kafka allows one transaction at a time: records sent ahead for a later checkpoint are
    // sent again once this one is delivered.
    await this.#abortOpen();
    await this.#withRetries(checkpointId, async () => {
      if (checkpointId <= (await this.ready())) {
        this.#skipped(checkpointId);
        return;
      }
      await this.#transaction(checkpointId, records);
      this.#delivered = checkpointId;
    });
    this.#intervals = this.#intervals.filter((interval) => interval.checkpointId === undefined || interval.checkpointId > checkpointId);
    this.#sendAheadSoon();
  }

  /**
   * Sends the records of `interval` that its transaction does not hold yet, beginning the
   * transaction if needed. Undefined when Kafka has the interval's checkpoint already.
   */
  async #sendStaged(interval: Interval): Promise<OpenTransaction | undefined> {
    let open = this.#open;
    if (open?.interval !== interval) {
      await this.#abortOpen();
      const delivered = await this.ready();
      if (interval.checkpointId !== undefined && interval.checkpointId <= delivered) return undefined;
      open = { interval, transaction: await (this.#producer as Producer).transaction(), sent: 0 };
      this.#open = open;
    }
    while (open.sent < interval.records.length) {
      for (const topicMessages of toRequests(interval.records.slice(open.sent), this.#options.maxRequestBytes)) {
        await open.transaction.sendBatch({ topicMessages, acks: -1, compression: this.#options.compression });
        open.sent += recordsIn(topicMessages);
      }
    }
    return open;
  }

  /** Forgets an interval whose checkpoint Kafka turned out to have (committed before a reconnect). */
  #dropDelivered(interval: Interval): void {
    this.#skipped(interval.checkpointId as number);
    this.#intervals = this.#intervals.filter((other) => other !== interval);
  }

  #skipped(checkpointId: number): void {
    this.#options.logger.info('skipping a checkpoint whose records Kafka has already', {
      egress: this.#options.egressId,
      checkpointId,
      lastDeliveredCheckpoint: this.#delivered,
    });
  }

  /**
   * Runs `attempt` until it succeeds. After a failure that retrying may fix, it starts over
   * with a new producer; after one that no retry fixes, the producer is broken for good:
   * later checkpoints must not overtake this one (the marker would then hide it).
   */
  async #withRetries(checkpointId: number | undefined, attempt: () => Promise<void>): Promise<void> {
    const backoff = new Backoff(200, 5_000);
    for (;;) {
      this.#throwIfUnusable();
      try {
        await attempt();
        return;
      } catch (error) {
        if (isFatalKafkaError(error)) {
          const which = checkpointId === undefined ? 'the records of the next checkpoint' : `checkpoint ${checkpointId}`;
          this.breakWith(
            new KeyflowError(
              ConnectorErrorCodes.EGRESS_FAILED,
              `Kafka egress ${this.#options.egressId} cannot deliver ${which}: ${describeError(error)}. ` +
                'Its records stay in the checkpoint; fix the cause and restart the runtime.',
              { cause: error },
            ),
          );
        }
        this.#throwIfUnusable();
        this.#options.logger.warn('writing a transaction to Kafka failed; retrying with a new producer', {
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

  #throwIfUnusable(): void {
    if (this.#broken) throw this.#broken;
    if (this.#closed) throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
  }

  async #transaction(checkpointId: number, records: readonly OutgoingRecord[]): Promise<void> {
    const producer = this.#producer as Producer;
    const transaction = await producer.transaction();
    try {
      for (const topicMessages of toRequests(records, this.#options.maxRequestBytes)) {
        await transaction.sendBatch({ topicMessages, acks: -1, compression: this.#options.compression });
      }
      await transaction.sendOffsets(markerOffsets(this.#options.transactionalId, checkpointId));
      await transaction.commit();
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /** Aborts the transaction under way, if any; its records are sent again into the next one. */
  async #abortOpen(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (open?.transaction.isActive()) await open.transaction.abort().catch(() => this.#reset());
  }

  async #reset(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#delivered = undefined;
    this.#open = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

function markerOffsets(transactionalId: string, checkpointId: number): Offsets & { consumerGroupId: string } {
  return {
    consumerGroupId: commitMarkerGroup(transactionalId),
    topics: [{ topic: COMMIT_MARKER_TOPIC, partitions: [{ partition: 0, offset: String(checkpointId) }] }],
  };
}

function recordsIn(topicMessages: readonly TopicMessages[]): number {
  let count = 0;
  for (const { messages } of topicMessages) count += messages.length;
  return count;
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
