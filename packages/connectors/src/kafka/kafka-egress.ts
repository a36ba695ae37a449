import type { Logger } from '@keyflow/sdk';
import type { EgressRecord, StreamingDeliverySemantic, StreamingEgressSink } from '@keyflow/runtime/kinds';
import { BufferedProducer } from './buffered-producer';
import type { KafkaEgressConfig } from './kafka-egress-kind';
import { kafkaProducerSetup } from './kafka-producer-setup';
import { toOutgoingRecord } from './producer-records';

/** Options of {@link KafkaEgress} and {@link KafkaTransactionalEgress}. */
export interface KafkaEgressOptions {
  readonly logger: Logger;
  /** How long `close` waits for unacknowledged records. Default 30 s. */
  readonly closeTimeoutMs?: number;
}

/**
 * StateFun's generic Kafka egress with delivery `none` or `at-least-once`: functions send
 * `KafkaProducerRecord`s (topic, key, value) and they are written to Kafka as they come.
 *
 * - `none`: acknowledged by the partition leader, dropped on failure.
 * - `at-least-once`: written by an idempotent producer, acknowledged by all in-sync replicas,
 *   retried until delivered.
 *
 * `exactly-once` is {@link KafkaTransactionalEgress}; the kind builds the one the document asks for.
 */
export class KafkaEgress implements StreamingEgressSink {
  readonly id: string;
  readonly deliverySemantic: StreamingDeliverySemantic;
  readonly #closeTimeoutMs: number;
  readonly #producer: BufferedProducer;

  constructor(config: KafkaEgressConfig & { readonly deliverySemantic: StreamingDeliverySemantic }, options: KafkaEgressOptions) {
    this.id = config.id;
    this.deliverySemantic = config.deliverySemantic;
    const logger = options.logger.child({ egress: config.id });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    const { kafka, properties, maxRequestBytes, compression } = kafkaProducerSetup(config, logger);
    // Read (and ignored) unless exactly-once, as StateFun does, so neither is reported as unknown.
    properties.string('transaction.timeout.ms');
    properties.string('transactional.id');
    this.#producer = new BufferedProducer(kafka, {
      egressId: config.id,
      semantic: config.deliverySemantic,
      logger,
      maxRequestBytes,
      maxBufferedRecords: properties.int('keyflow.max.buffered.records') ?? 10_000,
      compression,
    });
    properties.reportIgnored(logger, config.id);
    // Connect right away, so that the first records do not wait for it; failures here are
    // retried on first use.
    void this.#producer.connect().catch(() => undefined);
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    await this.#producer.write(records.map(toOutgoingRecord));
  }

  /**
   * Resolves once every record written so far is acknowledged by Kafka. For a runtime that
   * flushes at-least-once egresses before it makes a checkpoint durable.
   */
  async flush(): Promise<void> {
    await this.#producer.flush();
  }

  async close(): Promise<void> {
    await this.#producer.close(this.#closeTimeoutMs);
  }
}
