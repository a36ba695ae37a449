import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import type { CompressionTypes, Kafka } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { Backoff } from '@keyflow/runtime/kinds';
import { sleep } from '../common/sleep';
import { isFatalKafkaError } from './kafka-errors';
import { nextRequest, type OutgoingRecord } from './producer-records';
import { TransactionLane, ensureMarkerTopic } from './transaction-lane';

/**
 * The transactional ids of an egress's two producers: its own, and one with `.1` appended.
 * Each has its own commit marker group.
 */
export function laneTransactionalIds(transactionalId: string): readonly [string, string] {
  return [transactionalId, `${transactionalId}.1`];
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
  /** The lane whose open transaction holds the first `sent` records; undefined before the first. */
  lane: number | undefined;
  sent: number;
  /** Set once its checkpoint is durable: the caller of {@link TransactionalProducer.commit} waits on it. */
  delivery: Waiter | undefined;
  committing: boolean;
}

/** A checkpoint to write whole: nothing was staged for it (one restored after a restart). */
interface WholeCheckpoint {
  readonly checkpointId: number;
  readonly records: readonly OutgoingRecord[];
  readonly delivery: Waiter;
}

interface Waiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Delivers the records of each durable checkpoint in one Kafka transaction, once.
 *
 * Records are sent ahead: as they are staged, the records of the oldest checkpoint interval not
 * yet delivered go into an open transaction, which `read_committed` consumers do not see. When
 * that checkpoint is durable, {@link TransactionalProducer.commit} commits the transaction,
 * with the checkpoint id as its commit marker (see {@link TransactionLane}).
 *
 * It runs two transactional producers ("lanes", {@link laneTransactionalIds}) and gives
 * consecutive intervals alternate lanes, because Kafka allows one open transaction per
 * transactional id: once an interval is sealed and all its records are sent, the next one
 * streams on the other lane while the first commits. The next interval starts only when the
 * one before is fully sent, so within each partition a checkpoint's records come before the
 * next one's, and commits happen in checkpoint order, so the last delivered checkpoint is the
 * highest marker of the two lanes.
 *
 * When it (re)starts, each lane fences older producers with its transactional id — Kafka
 * aborts their open transaction, so a crashed runtime's half-written checkpoint never becomes
 * visible to `read_committed` consumers — and reads its marker. A checkpoint whose id is not
 * above the last delivered one was delivered before (the runtime crashed after the transaction
 * committed and before it recorded the delivery) and is skipped.
 *
 * Failures that retrying may fix (a broker restart, a lost coordinator, an expired
 * transaction) restart both lanes, after a backoff, and every undelivered interval is sent
 * again into new transactions, until its checkpoint is delivered: checkpoints are delivered in
 * order, never skipped. Everything runs from one loop, one step at a time, except commits,
 * which the loop starts and does not wait for.
 */
export class TransactionalProducer {
  readonly #options: TransactionalProducerOptions;
  readonly #lanes: readonly [TransactionLane, TransactionLane];
  readonly #kafka: Kafka;
  /** Intervals not yet delivered, oldest first. */
  #intervals: Interval[] = [];
  /** The interval the last {@link seal} closed, for {@link reopen}. */
  #lastSealed: Interval | undefined;
  readonly #wholeCheckpoints: WholeCheckpoint[] = [];
  /** The last checkpoint delivered; undefined until the lanes have (re)started. */
  #delivered: number | undefined;
  /** Bumped by every restart: work begun in an older generation no longer counts. */
  #generation = 0;
  #stopping: Promise<unknown> = Promise.resolve();
  #retryDelayMs = 0;
  readonly #backoff = new Backoff(200, 5_000);
  /** The loop, while it runs. */
  #loop: Promise<void> | undefined;
  #running = false;
  #broken: KeyflowError | undefined;
  #closed = false;

  constructor(kafka: Kafka, options: TransactionalProducerOptions) {
    this.#kafka = kafka;
    this.#options = options;
    const [first, second] = laneTransactionalIds(options.transactionalId);
    const lane = (transactionalId: string) =>
      new TransactionLane(kafka, { transactionalId, transactionTimeoutMs: options.transactionTimeoutMs, compression: options.compression });
    this.#lanes = [lane(first), lane(second)];
  }

  /** Connects both producers, fencing older ones, so that the first records need not wait for it. */
  start(): void {
    this.#kick();
  }

  /** Records of the open checkpoint interval, in order; sent ahead as soon as they may be. */
  stage(records: readonly OutgoingRecord[]): void {
    if (this.#broken || this.#closed) return;
    const interval = this.#openInterval();
    for (const record of records) interval.records.push(record);
    this.#kick();
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
    this.#kick();
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
      // The newer records may be in a transaction of their own already: start over with one.
      if (newer.lane !== undefined) this.#restart(false);
      for (const record of newer.records) sealed.records.push(record);
      sealed.spoiled ||= newer.spoiled;
      this.#intervals.splice(index + 1, 1);
    }
    this.#kick();
  }

  /**
   * Delivers checkpoint `checkpointId`, unless it was delivered already. When its `count`
   * records were staged, what was sent ahead is committed; otherwise `records()` are sent whole.
   */
  commit(checkpointId: number, count: number, records: () => readonly OutgoingRecord[]): Promise<void> {
    this.#throwIfUnusable();
    const oldest = this.#intervals[0];
    const delivery = waiter();
    if (oldest && oldest.checkpointId === checkpointId && !oldest.spoiled && oldest.records.length === count) {
      oldest.delivery = delivery;
    } else {
      this.#wholeCheckpoints.push({ checkpointId, records: records(), delivery });
    }
    this.#kick();
    return delivery.promise;
  }

  /** Marks the producer broken: every waiting and later commit fails with `error`. */
  breakWith(error: KeyflowError): void {
    this.#broken ??= error;
    this.#rejectWaiting(this.#broken);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#rejectWaiting(this.#unusable() as KeyflowError);
    await this.#loop;
    await this.#stopping;
    // An open transaction stays invisible: Kafka aborts it when its timeout passes or when a
    // producer with the same transactional id starts.
    await Promise.all(this.#lanes.map((lane) => lane.stop()));
  }

  #openInterval(): Interval {
    const last = this.#intervals.at(-1);
    if (last && last.checkpointId === undefined) return last;
    const interval: Interval = { checkpointId: undefined, records: [], spoiled: false, lane: undefined, sent: 0, delivery: undefined, committing: false };
    this.#intervals.push(interval);
    return interval;
  }

  #kick(): void {
    if (this.#running || this.#unusable()) return;
    const loop = this.#run();
    // A loop with nothing to do has ended already: #run clears #running synchronously then.
    if (this.#running) this.#loop = loop;
  }

  /** Takes the next step until there is none; the check and the stop happen in one synchronous step. */
  async #run(): Promise<void> {
    this.#running = true;
    for (;;) {
      const step = this.#unusable() ? undefined : this.#nextStep();
      if (!step) {
        this.#running = false;
        this.#loop = undefined;
        return;
      }
      const generation = this.#generation;
      try {
        await step.run();
      } catch (error) {
        this.#failed(error, generation, step.checkpointId);
      }
    }
  }

  #nextStep(): { run: () => Promise<void>; checkpointId?: number | undefined } | undefined {
    if (this.#delivered === undefined) return { run: () => this.#startLanes() };
    const whole = this.#wholeCheckpoints[0];
    if (whole) {
      const inUse = this.#lanes.some((lane) => lane.inTransaction) || this.#intervals.some((interval) => interval.lane !== undefined);
      // Kafka allows one transaction per lane: what was sent ahead is sent again afterwards.
      if (inUse) return { run: async () => this.#restart(false) };
      return { run: () => this.#commitWhole(whole), checkpointId: whole.checkpointId };
    }
    for (let index = 0; index < this.#intervals.length; index++) {
      const interval = this.#intervals[index] as Interval;
      if (interval.spoiled) return undefined;
      if (interval.lane === undefined) {
        const lane = this.#freeLane(index);
        if (lane === undefined) return undefined;
        interval.lane = lane;
      }
      if (interval.sent < interval.records.length) return { run: () => this.#sendNext(interval), checkpointId: interval.checkpointId };
      if (interval.checkpointId === undefined) return undefined;
      if (interval.delivery && !interval.committing) {
        interval.committing = true;
        const generation = this.#generation;
        return { run: async () => void this.#commitInterval(interval, generation) };
      }
    }
    return undefined;
  }

  /** The lane for the interval at `index`: not the one before it uses, nor one an older interval holds. */
  #freeLane(index: number): number | undefined {
    const previous = index > 0 ? this.#intervals[index - 1]?.lane : undefined;
    for (let lane = 0; lane < this.#lanes.length; lane++) {
      if (lane === previous) continue;
      if (!this.#intervals.some((interval) => interval.lane === lane) && !this.#lanes[lane]?.inTransaction) return lane;
    }
    return undefined;
  }

  async #startLanes(): Promise<void> {
    await this.#stopping;
    if (this.#retryDelayMs > 0) await sleep(this.#retryDelayMs);
    this.#retryDelayMs = 0;
    this.#throwIfUnusable();
    const admin = this.#kafka.admin();
    await admin.connect();
    let delivered = 0;
    try {
      await ensureMarkerTopic(admin);
      for (const lane of this.#lanes) delivered = Math.max(delivered, await lane.start(admin));
    } finally {
      await admin.disconnect();
    }
    this.#throwIfUnusable();
    this.#delivered = delivered;
    this.#options.logger.debug('transactional Kafka producers ready', {
      egress: this.#options.egressId,
      transactionalIds: this.#lanes.map((lane) => lane.transactionalId),
      lastDeliveredCheckpoint: delivered,
    });
    for (const interval of this.#intervals) {
      if (interval.checkpointId !== undefined && interval.checkpointId <= delivered) this.#skipDelivered(interval.checkpointId, interval.delivery);
    }
    this.#intervals = this.#intervals.filter((interval) => interval.checkpointId === undefined || interval.checkpointId > delivered);
  }

  async #sendNext(interval: Interval): Promise<void> {
    const generation = this.#generation;
    const request = nextRequest(interval.records, interval.sent, this.#options.maxRequestBytes);
    await (this.#lanes[interval.lane as number] as TransactionLane).send(request.topicMessages);
    if (generation === this.#generation) interval.sent += request.count;
  }

  /** Commits an interval's transaction; runs beside the loop, which goes on sending the next interval. */
  async #commitInterval(interval: Interval, generation: number): Promise<void> {
    const checkpointId = interval.checkpointId as number;
    try {
      await (this.#lanes[interval.lane as number] as TransactionLane).commit(checkpointId);
    } catch (error) {
      this.#failed(error, generation, checkpointId);
      this.#kick();
      return;
    }
    // After a restart the lanes' markers tell whether this commit held; the restart decides.
    if (generation !== this.#generation) return;
    this.#backoff.reset();
    this.#delivered = Math.max(this.#delivered ?? 0, checkpointId);
    this.#intervals = this.#intervals.filter((other) => other !== interval);
    interval.delivery?.resolve();
    this.#kick();
  }

  async #commitWhole(whole: WholeCheckpoint): Promise<void> {
    if (whole.checkpointId <= (this.#delivered ?? 0)) {
      this.#skipDelivered(whole.checkpointId, whole.delivery);
    } else {
      await this.#lanes[0].commitWhole(whole.checkpointId, whole.records, this.#options.maxRequestBytes);
      this.#delivered = whole.checkpointId;
      this.#backoff.reset();
      whole.delivery.resolve();
    }
    this.#wholeCheckpoints.shift();
    this.#intervals = this.#intervals.filter((interval) => interval.checkpointId === undefined || interval.checkpointId > whole.checkpointId);
  }

  /** Notes a checkpoint that Kafka had already and lets its caller go on. */
  #skipDelivered(checkpointId: number, delivery: Waiter | undefined): void {
    this.#options.logger.info('skipping a checkpoint whose records Kafka has already', {
      egress: this.#options.egressId,
      checkpointId,
      lastDeliveredCheckpoint: this.#delivered,
    });
    delivery?.resolve();
  }

  /** A step failed: a failure no retry fixes breaks the producer; any other restarts both lanes. */
  #failed(error: unknown, generation: number, checkpointId: number | undefined): void {
    if (generation !== this.#generation || this.#unusable()) return;
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
      return;
    }
    this.#options.logger.warn('writing a transaction to Kafka failed; restarting the producers', {
      egress: this.#options.egressId,
      checkpointId,
      attempt: this.#backoff.attempts + 1,
      error,
    });
    this.#restart(true);
  }

  /** Starts a new generation: both lanes stop, and every undelivered interval is sent again. */
  #restart(afterFailure: boolean): void {
    this.#generation++;
    this.#delivered = undefined;
    for (const interval of this.#intervals) {
      interval.lane = undefined;
      interval.sent = 0;
      interval.committing = false;
    }
    this.#stopping = Promise.all(this.#lanes.map((lane) => lane.stop()));
    if (afterFailure) this.#retryDelayMs = this.#backoff.next();
  }

  #unusable(): KeyflowError | undefined {
    if (this.#broken) return this.#broken;
    if (this.#closed) return new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
    return undefined;
  }

  #throwIfUnusable(): void {
    const unusable = this.#unusable();
    if (unusable) throw unusable;
  }

  #rejectWaiting(error: KeyflowError): void {
    for (const interval of this.#intervals) interval.delivery?.reject(error);
    for (const whole of this.#wholeCheckpoints.splice(0)) whole.delivery.reject(error);
  }
}

function waiter(): Waiter {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}
