import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import type { Ingress, IngressCheckpoint, IngressContext } from '@keyflow/runtime/kinds';
import { Backoff } from '@keyflow/runtime/kinds';
import { Kafka, Partitioners, type Consumer, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { sleep } from '../common/sleep';
import { IngressRoute } from '../common/ingress-route';
import { enqueueRecord } from '../common/record-span';
import { PressureGate } from '../common/pressure-gate';
import { committedMessages, keepAbortedTransactions, lastFetchedOffset } from './aborted-transactions';
import type { KafkaIngressConfig } from './kafka-ingress-kind';
import { copyOffsets, decodeKafkaPosition, encodeKafkaPosition, type PartitionOffsets } from './kafka-position';
import { KafkaProperties } from './kafka-properties';
import { removePredecessorMembers } from './group-predecessors';
import { fromKafkaHeaders, toKafkaHeaders } from './record-headers';
import { resolveStartOffsets } from './startup-offsets';
import { IngressFailure } from '../common/ingress-failure';

/** Counters of a Kafka ingress. */
export interface KafkaIngressStats {
  /** Records handed to the runtime (each once, whatever the number of targets). */
  readonly delivered: number;
  /** Unroutable records skipped under the `skip` policy. */
  readonly skipped: number;
  /** Unroutable records written to the dead-letter topic. */
  readonly deadLettered: number;
}

/** Options of {@link KafkaIngress}. */
export interface KafkaIngressOptions {
  readonly logger: Logger;
}

/** Headers added to a dead-letter record, next to the record's own. */
export const DeadLetterHeaders = {
  INGRESS: 'keyflow-ingress',
  REASON: 'keyflow-routing-failure',
  TOPIC: 'keyflow-source-topic',
  PARTITION: 'keyflow-source-partition',
  OFFSET: 'keyflow-source-offset',
} as const;

/**
 * StateFun's Kafka ingress: each record's UTF-8 key names the function instance, its value
 * becomes a `TypedValue` of the topic's `valueType`, and it goes to each of the topic's
 * targets, in offset order per partition (so in order per key). Unlike StateFun's, it passes
 * the record's headers on to the functions (`msg.headers`), as Keyflow's protocol extension.
 *
 * The checkpoint position is the next offset per partition of the records already handed to
 * the runtime; on start the consumer seeks there (or to the startup position on a first start)
 * and skips anything before it, so that a rebalance or a reconnect after a broker restart never
 * hands a record over twice. Offsets are committed to the consumer group only after the
 * checkpoint that holds them is durable — for tools and for `group-offsets` on a fresh start;
 * the checkpoint, not the group, is the source of truth. Under backpressure the consumer
 * waits, keeping its group session alive; nothing is dropped.
 */
export class KafkaIngress implements Ingress {
  readonly id: string;
  readonly #config: KafkaIngressConfig;
  readonly #logger: Logger;
  readonly #routes: ReadonlyMap<string, IngressRoute>;
  readonly #properties: KafkaProperties;
  readonly #kafka: Kafka;
  readonly #clientId: string;
  readonly #next: PartitionOffsets = new Map();
  #unserved = new Map<string, string[]>();
  #readCommitted = false;
  #consumer: Consumer | undefined;
  #deadLetters: Producer | undefined;
  #context: IngressContext | undefined;
  #gate: PressureGate | undefined;
  readonly #failure = new IngressFailure();
  #stopped = false;
  #pendingCommit: PartitionOffsets | undefined;
  #committing: Promise<void> | undefined;
  #delivered = 0;
  #skipped = 0;
  #deadLettered = 0;

  constructor(config: KafkaIngressConfig, options: KafkaIngressOptions) {
    this.id = config.id;
    this.#config = config;
    this.#logger = options.logger.child({ ingress: config.id });
    this.#routes = new Map(config.topics.map((topic) => [topic.topic, new IngressRoute(topic)]));
    this.#properties = new KafkaProperties(config.properties);
    const clientConfig = this.#properties.clientConfig(config.address, `keyflow-${config.id}`, this.#logger);
    this.#clientId = clientConfig.clientId ?? '';
    this.#kafka = new Kafka(clientConfig);
  }

  /** Why the ingress stopped consuming, if it did (an unroutable record under `fail`, a consumer crash). */
  get failure(): Error | undefined {
    return this.#failure.error;
  }

  /** Calls `listener` when the ingress stops on an error. */
  onFailure(listener: (error: Error) => void): void {
    this.#failure.listen(listener);
  }

  stats(): KafkaIngressStats {
    return { delivered: this.#delivered, skipped: this.#skipped, deadLettered: this.#deadLettered };
  }

  async start(context: IngressContext, position: Uint8Array | undefined): Promise<void> {
    this.#context = context;
    this.#gate = new PressureGate(context);
    for (const [topic, route] of this.#routes) {
      const unserved = route.unserved((typename) => context.servesFunction(typename));
      if (unserved.length > 0) {
        this.#unserved.set(topic, unserved);
        this.#logger.warn('no endpoint serves some targets of a Kafka topic; its records cannot be routed', { topic, targets: unserved });
      }
    }
    const restored = position === undefined ? undefined : decodeKafkaPosition(position, this.id);
    try {
      const admin = this.#kafka.admin();
      await admin.connect();
      try {
        const starts = await resolveStartOffsets(admin, this.#config, restored, this.#logger);
        for (const [topic, partitions] of starts) this.#next.set(topic, new Map(partitions));
        // A process of this runtime killed before may still be a member: joining would wait for it.
        const removed = await removePredecessorMembers(this.#kafka, admin, this.#config.consumerGroupId, this.#clientId);
        if (removed.length > 0) this.#logger.info('removed the members an earlier process left in the consumer group', { group: this.#config.consumerGroupId, members: removed });
      } finally {
        await admin.disconnect();
      }
      if (this.#config.onRoutingFailure.policy === 'dead-letter') {
        this.#deadLetters = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
        await this.#deadLetters.connect();
      }
      await this.#startConsumer();
    } catch (error) {
      await this.stop();
      throw new KeyflowError(
        ConnectorErrorCodes.UNAVAILABLE,
        `Kafka ingress ${this.id} could not start reading from ${this.#config.address}: ${describeError(error)}. Check that the brokers are reachable and the topics exist.`,
        { cause: error },
      );
    }
    this.#properties.reportIgnored(this.#logger, this.id);
    this.#logger.info('Kafka ingress started', {
      address: this.#config.address,
      group: this.#config.consumerGroupId,
      from: restored ? 'checkpoint' : this.#config.startupPosition.type,
      offsets: Object.fromEntries([...this.#next].map(([topic, partitions]) => [topic, Object.fromEntries(partitions)])),
    });
  }

  checkpoint(): IngressCheckpoint {
    return { position: encodeKafkaPosition(this.#next), ops: [] };
  }

  async checkpointCommitted(position: Uint8Array): Promise<void> {
    // After stop, the offsets were committed on the way out (see stop).
    if (this.#stopped) return;
    this.#pendingCommit = decodeKafkaPosition(position, this.id);
    // Group commits go on in the background: they must not hold up the next checkpoint when
    // the group coordinator is slow or away.
    this.#committing ??= this.#commitPending().finally(() => {
      this.#committing = undefined;
    });
  }

  /**
   * Stops handing records over and leaves the group. On the way out it commits the offsets of
   * everything handed over to the group: the runtime's final checkpoint, taken right after,
   * holds exactly these (a group is only read on a start without a checkpoint).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#gate?.close();
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer) {
      // A commit under way takes the pending offsets along; else commit them now.
      this.#pendingCommit = copyOffsets(this.#next);
      await withTimeout(this.#committing ?? this.#commitPending(consumer), 5_000);
      await consumer.disconnect().catch((error: unknown) => this.#logger.warn('closing the Kafka consumer failed', { error }));
    }
    await this.#deadLetters?.disconnect().catch((error: unknown) => this.#logger.warn('closing the dead-letter producer failed', { error }));
    this.#deadLetters = undefined;
  }

  async #startConsumer(): Promise<void> {
    const consumerConfig = this.#properties.consumerConfig(this.#config.consumerGroupId);
    this.#readCommitted = consumerConfig.readUncommitted === false;
    if (this.#readCommitted) keepAbortedTransactions();
    const consumer = this.#kafka.consumer(consumerConfig);
    this.#consumer = consumer;
    // After every (re)join, and after kafkajs restarts a crashed consumer, fetching would resume
    // at the group's committed offsets, which lag behind what was handed over: seek past it.
    consumer.on(consumer.events.GROUP_JOIN, () => this.#seekAll());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.#stopped) {
        this.#logger.warn('the Kafka consumer restarts after an error', { error: payload.error });
        return;
      }
      this.#fail(
        new KeyflowError(
          ConnectorErrorCodes.CONSUMER_FAILED,
          `Kafka ingress ${this.id} stopped: its consumer failed with an error it cannot recover from: ${describeError(payload.error)}.`,
          { cause: payload.error },
        ),
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.#routes.keys()], fromBeginning: this.#config.autoOffsetResetPosition === 'earliest' });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#eachBatch(payload) });
    this.#seekAll();
  }

  #seekAll(): void {
    const consumer = this.#consumer;
    if (!consumer || this.#stopped) return;
    for (const [topic, partitions] of this.#next) {
      for (const [partition, offset] of partitions) consumer.seek({ topic, partition, offset: String(offset) });
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const resolveOffset = (offset: string): void => payload.resolveOffset(offset);
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const isRunning = (): boolean => payload.isRunning();
    const isStale = (): boolean => payload.isStale();
    if (this.#failure.error || this.#stopped) return;
    const { topic, partition } = batch;
    const route = this.#routes.get(topic);
    if (!route) return;
    const context = this.#context as IngressContext;
    const gate = this.#gate as PressureGate;
    const unserved = this.#unserved.get(topic);
    let partitions = this.#next.get(topic);
    if (!partitions) this.#next.set(topic, (partitions = new Map<number, number>()));
    let next = partitions.get(partition);
    const messages = this.#readCommitted ? committedMessages(batch) : batch.messages;
    for (const message of messages) {
      if (this.#stopped || !isRunning() || isStale()) return;
      const offset = Number(message.offset);
      if (next !== undefined && offset < next) {
        resolveOffset(message.offset); // handed over before a rebalance or reconnect
        continue;
      }
      while (!gate.open) {
        await gate.wait(1_000);
        if (this.#stopped || !isRunning() || isStale()) return;
        await heartbeat();
      }
      if (message.key !== null && unserved === undefined) {
        const envelopes = route.envelopes(message.key.toString('utf8'), message.value, fromKafkaHeaders(message.headers));
        enqueueRecord(context, envelopes, () => ({
          name: `receive ${topic}`,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
            'messaging.destination.partition.id': String(partition),
            'messaging.kafka.offset': message.offset,
            'keyflow.ingress': this.id,
          },
        }));
        this.#delivered++;
      } else {
        const reason = message.key === null ? 'the record has no key' : `no endpoint serves the target function type ${(unserved as string[]).join(', ')}`;
        if (!(await this.#unroutable(topic, partition, message, reason))) return;
      }
      next = offset + 1;
      partitions.set(partition, next);
      resolveOffset(message.offset);
    }
    // Control records and records of aborted transactions after the last record handed over
    // are done with too: move past them, or they would be fetched again and again.
    const last = lastFetchedOffset(batch);
    if (last !== undefined && (next === undefined || last >= next)) {
      next = last + 1;
      partitions.set(partition, next);
      resolveOffset(String(last));
    }
    await heartbeat();
  }

  /** Applies the routing-failure policy; false when the ingress must stop before this record. */
  async #unroutable(topic: string, partition: number, message: KafkaMessage, reason: string): Promise<boolean> {
    const where = { topic, partition, offset: message.offset };
    const policy = this.#config.onRoutingFailure;
    switch (policy.policy) {
      case 'fail':
        this.#fail(
          new KeyflowError(
            ConnectorErrorCodes.UNROUTABLE_RECORD,
            `Kafka ingress ${this.id} cannot route the record in topic "${topic}", partition ${partition} at offset ${message.offset}: ${reason}. ` +
              `The ingress stopped before it and resumes at it after a restart; fix the record's producer or the module, or set 'onRoutingFailure' to 'skip' or 'dead-letter'.`,
          ),
        );
        return false;
      case 'skip':
        this.#skipped++;
        this.#logger.warn('skipped a Kafka record that cannot be routed', { ...where, reason });
        return true;
      case 'dead-letter':
        if (!(await this.#sendToDeadLetters(policy.topic, topic, partition, message, reason))) return false;
        this.#deadLettered++;
        this.#logger.warn('sent a Kafka record that cannot be routed to the dead-letter topic', { ...where, reason, deadLetterTopic: policy.topic });
        return true;
    }
  }

  async #sendToDeadLetters(deadLetterTopic: string, topic: string, partition: number, message: KafkaMessage, reason: string): Promise<boolean> {
    // The record's own headers as they were (repeated keys, null values), then why and where.
    const headers = toKafkaHeaders([
      ...(fromKafkaHeaders(message.headers) ?? []),
      ...Object.entries({
        [DeadLetterHeaders.INGRESS]: this.id,
        [DeadLetterHeaders.REASON]: reason,
        [DeadLetterHeaders.TOPIC]: topic,
        [DeadLetterHeaders.PARTITION]: String(partition),
        [DeadLetterHeaders.OFFSET]: message.offset,
      }).map(([key, value]) => ({ key, value: Buffer.from(value, 'utf8') })),
    ]) ?? {};
    const backoff = new Backoff(200, 5_000);
    // The record counts as handled only once the dead-letter topic has it.
    while (!this.#stopped) {
      try {
        await (this.#deadLetters as Producer).send({
          topic: deadLetterTopic,
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers, timestamp: message.timestamp }],
        });
        return true;
      } catch (error) {
        this.#logger.warn('writing to the dead-letter topic failed; retrying', { deadLetterTopic, attempt: backoff.attempts + 1, error });
        await sleep(backoff.next());
      }
    }
    return false;
  }

  #fail(error: KeyflowError): void {
    if (this.#failure.error) return;
    this.#logger.error(error.message, { code: error.code });
    this.#failure.record(error);
    this.#context?.fail(error);
    setImmediate(() => {
      void this.#consumer?.stop().catch((stopError: unknown) => this.#logger.warn('stopping the Kafka consumer failed', { error: stopError }));
    });
  }

  /** Commits the newest pending position to the consumer group, until none is pending. */
  async #commitPending(consumer = this.#consumer): Promise<void> {
    while (this.#pendingCommit) {
      const offsets = this.#pendingCommit;
      this.#pendingCommit = undefined;
      const list = [...offsets].flatMap(([topic, partitions]) =>
        [...partitions].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
      );
      if (list.length === 0 || !consumer) continue;
      try {
        await consumer.commitOffsets(list);
      } catch (error) {
        this.#logger.warn('committing offsets to the consumer group failed; the checkpoint holds them and the next one commits again', {
          group: this.#config.consumerGroupId,
          error,
        });
      }
    }
  }
}

/** Waits for `promise`, at most `ms`. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
