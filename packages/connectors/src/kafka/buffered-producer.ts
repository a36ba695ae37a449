import { KeyflowError, describeError, type Logger } from '@keyflow/sdk';
import { Partitioners, type CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { Backoff } from '@keyflow/runtime/kinds';
import { sleep } from '../common/sleep';
import { isFatalKafkaError } from './kafka-errors';
import { toRequests, type OutgoingRecord } from './producer-records';

/** Options of {@link BufferedProducer}. */
export interface BufferedProducerOptions {
  readonly egressId: string;
  /** `at-least-once`: idempotent, acks from all replicas, retried until delivered. `none`: acks from the leader, dropped on failure. */
  readonly semantic: 'none' | 'at-least-once';
  readonly logger: Logger;
  /** Most bytes in one produce request (the broker's `message.max.bytes` bounds it). */
  readonly maxRequestBytes: number;
  /** {@link BufferedProducer.write} waits while more records than this are not yet sent. */
  readonly maxBufferedRecords: number;
  readonly compression: CompressionTypes;
}

/**
 * Sends records as they come, for `none` and `at-least-once` egresses. Writes only buffer:
 * one request at a time is in flight and takes everything buffered meanwhile, so that many
 * small writes become a few large requests, in order. Writes wait while the buffer is full
 * (backpressure), and throw once delivery failed for good (a record too large, missing
 * rights); with `at-least-once` every other failure — a broker restart — is retried until the
 * records are acknowledged by all in-sync replicas.
 */
export class BufferedProducer {
  readonly #kafka: Kafka;
  readonly #options: BufferedProducerOptions;
  #producer: Producer | undefined;
  #connecting: Promise<Producer> | undefined;
  #buffer: OutgoingRecord[] = [];
  #sending: Promise<void> | undefined;
  #error: Error | undefined;
  #closed = false;
  #dropped = 0;

  constructor(kafka: Kafka, options: BufferedProducerOptions) {
    this.#kafka = kafka;
    this.#options = options;
  }

  /** Records given up on (`none` only). */
  get dropped(): number {
    return this.#dropped;
  }

  async write(records: readonly OutgoingRecord[]): Promise<void> {
    this.#throwIfFailed();
    for (const record of records) this.#buffer.push(record);
    this.#kick();
    while (this.#buffer.length >= this.#options.maxBufferedRecords && this.#sending) await this.#sending;
    this.#throwIfFailed();
  }

  /** Resolves when every record written so far is acknowledged (or, for `none`, given up on). */
  async flush(): Promise<void> {
    while (this.#sending) await this.#sending;
    this.#throwIfFailed();
  }

  /** Flushes for at most `timeoutMs`, then disconnects; records still unsent are reported. */
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([
      this.flush().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    if (!flushed) {
      this.#options.logger.error('closing the Kafka egress before all records were acknowledged', {
        egress: this.#options.egressId,
        unsent: this.#buffer.length,
      });
    }
    await this.#connecting?.catch(() => undefined);
    await this.#disconnect();
  }

  #throwIfFailed(): void {
    if (this.#error) throw this.#error;
    if (this.#closed) throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
  }

  #kick(): void {
    this.#sending ??= this.#sendAll().finally(() => {
      this.#sending = undefined;
    });
  }

  async #sendAll(): Promise<void> {
    while (this.#buffer.length > 0 && !this.#error && !this.#closed) {
      const records = this.#buffer;
      this.#buffer = [];
      for (const request of toRequests(records, this.#options.maxRequestBytes)) await this.#send(request);
    }
  }

  async #send(topicMessages: TopicMessages[]): Promise<void> {
    const atLeastOnce = this.#options.semantic === 'at-least-once';
    const backoff = new Backoff(200, 5_000);
    for (;;) {
      try {
        const producer = await this.#connect();
        await producer.sendBatch({ topicMessages, acks: atLeastOnce ? -1 : 1, compression: this.#options.compression });
        return;
      } catch (error) {
        const count = topicMessages.reduce((sum, { messages }) => sum + messages.length, 0);
        if (isFatalKafkaError(error)) {
          this.#error = new KeyflowError(
            ConnectorErrorCodes.EGRESS_FAILED,
            `Kafka egress ${this.#options.egressId} cannot write ${count} records: ${describeError(error)}.`,
            { cause: error },
          );
          return;
        }
        if (!atLeastOnce) {
          this.#dropped += count;
          this.#options.logger.error('dropped Kafka egress records (delivery semantic none)', { egress: this.#options.egressId, records: count, error });
          return;
        }
        if (this.#closed) return;
        // A new producer after a failure: the old one's sequence numbers may be out of step
        // with a restarted broker. Duplicates are possible, losses are not.
        await this.#disconnect();
        this.#options.logger.warn('writing to Kafka failed; retrying', { egress: this.#options.egressId, records: count, attempt: backoff.attempts + 1, error });
        await sleep(backoff.next());
      }
    }
  }

  /** Connects now rather than on the first write. */
  async connect(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<Producer> {
    if (this.#producer) return this.#producer;
    this.#connecting ??= this.#newProducer().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #newProducer(): Promise<Producer> {
    const atLeastOnce = this.#options.semantic === 'at-least-once';
    const producer = this.#kafka.producer({
      idempotent: atLeastOnce,
      ...(atLeastOnce ? { maxInFlightRequests: 1 } : {}),
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    if (this.#closed) {
      await producer.disconnect();
      throw new KeyflowError(ConnectorErrorCodes.CLOSED, `Kafka egress ${this.#options.egressId} is closed.`);
    }
    this.#producer = producer;
    return producer;
  }

  async #disconnect(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
