import { KeyflowError, isKeyflowError, type Logger } from '@keyflow/sdk';
import type { DeliverySemantic, EgressRecord, EgressSink } from '@keyflow/runtime';
import { CompressionTypes, Kafka } from 'kafkajs';
import { ConnectorErrorCodes } from '../connector-error-codes';
import { BufferedProducer } from './buffered-producer';
import type { KafkaEgressConfig } from './kafka-egress-kind';
import { KafkaProperties } from './kafka-properties';
import { toOutgoingRecord, type OutgoingRecord } from './producer-records';
import { TransactionalProducer } from './transactional-producer';

/** Options of {@link KafkaEgress}. */
export interface KafkaEgressOptions {
  readonly logger: Logger;
  /** How long {@link KafkaEgress.close} waits for unacknowledged records. Default 30 s. */
  readonly closeTimeoutMs?: number;
}

const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * StateFun's generic Kafka egress: functions send `KafkaProducerRecord`s (topic, key, value)
 * and they are written to Kafka with the configured delivery semantic.
 *
 * - `none`: written as they come, acknowledged by the partition leader, dropped on failure.
 * - `at-least-once`: written as they come by an idempotent producer, acknowledged by all
 *   in-sync replicas, retried until delivered.
 * - `exactly-once`: one Kafka transaction per checkpoint (see {@link TransactionalProducer}).
 *   Records are sent into it as they come and it commits once the checkpoint that produced
 *   them is durable; `read_committed` consumers see each record once, after its checkpoint.
 *
 * The transactional id is the `transactional.id` property, else `keyflow-<egress id>` (its
 * second producer appends `.1`): two runtimes running the same module against one cluster must
 * set different ones.
 */
export class KafkaEgress implements EgressSink {
  readonly id: string;
  readonly deliverySemantic: DeliverySemantic;
  readonly #logger: Logger;
  readonly #closeTimeoutMs: number;
  readonly #buffered: BufferedProducer | undefined;
  readonly #transactional: TransactionalProducer | undefined;

  constructor(config: KafkaEgressConfig, options: KafkaEgressOptions) {
    this.id = config.id;
    this.deliverySemantic = config.deliverySemantic;
    this.#logger = options.logger.child({ egress: config.id });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    const properties = new KafkaProperties(config.properties);
    const kafka = new Kafka(properties.clientConfig(config.address, `keyflow-${config.id}`, this.#logger));
    const maxRequestBytes = Math.max(1_024, Math.floor((properties.int('max.request.size') ?? 1_048_576) * 0.9));
    const compression = compressionOf(properties.string('compression.type'), this.#logger);
    if (config.deliverySemantic === 'exactly-once') {
      this.#transactional = new TransactionalProducer(kafka, {
        egressId: config.id,
        transactionalId: properties.string('transactional.id') ?? `keyflow-${config.id}`,
        transactionTimeoutMs: config.transactionTimeoutMs ?? properties.int('transaction.timeout.ms') ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
        maxRequestBytes,
        compression,
        logger: this.#logger,
      });
    } else {
      properties.string('transaction.timeout.ms');
      properties.string('transactional.id');
      this.#buffered = new BufferedProducer(kafka, {
        egressId: config.id,
        semantic: config.deliverySemantic,
        logger: this.#logger,
        maxRequestBytes,
        maxBufferedRecords: properties.int('keyflow.max.buffered.records') ?? 10_000,
        compression,
      });
    }
    properties.reportIgnored(this.#logger, config.id);
    // Connect (and, for exactly-once, fence older producers and read the marker) right away,
    // so that the first records do not wait for it; failures here are retried on first use.
    this.#transactional?.start();
    void this.#buffered?.connect().catch(() => undefined);
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    if (!this.#buffered) {
      throw new KeyflowError(ConnectorErrorCodes.EGRESS_FAILED, `Kafka egress ${this.id} is exactly-once: its records go through commit(), not write().`);
    }
    await this.#buffered.write(records.map(toOutgoingRecord));
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    const transactional = this.#transactional;
    if (!transactional) {
      await this.write(records);
      return;
    }
    await transactional.commit(checkpointId, records.length, () => {
      try {
        return records.map(toOutgoingRecord);
      } catch (error) {
        // A bad record fails its checkpoint and, so that later checkpoints cannot overtake it,
        // every one after it: the records wait in the checkpoint until the function is fixed.
        if (isKeyflowError(error)) transactional.breakWith(error);
        throw error;
      }
    });
  }

  /** Exactly-once: sends a checkpoint interval's records ahead, into a Kafka transaction. */
  stage(records: readonly EgressRecord[]): void {
    const transactional = this.#transactional;
    if (!transactional) return;
    let outgoing: OutgoingRecord[];
    try {
      outgoing = records.map(toOutgoingRecord);
    } catch {
      // Its checkpoint's commit converts the records again and fails with the reason.
      transactional.spoil();
      return;
    }
    transactional.stage(outgoing);
  }

  seal(checkpointId: number): void {
    this.#transactional?.seal(checkpointId);
  }

  reopen(): void {
    this.#transactional?.reopen();
  }

  /**
   * Resolves once every record written so far is acknowledged by Kafka (for exactly-once there
   * is nothing to wait for: its records are in the checkpoint). For a runtime that flushes
   * at-least-once egresses before it makes a checkpoint durable.
   */
  async flush(): Promise<void> {
    await this.#buffered?.flush();
  }

  async close(): Promise<void> {
    await this.#buffered?.close(this.#closeTimeoutMs);
    await this.#transactional?.close();
  }
}

function compressionOf(type: string | undefined, logger: Logger): CompressionTypes {
  switch (type?.toLowerCase()) {
    case undefined:
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    default:
      logger.warn('only gzip compression is built into kafkajs; records are sent uncompressed', { compression: type });
      return CompressionTypes.None;
  }
}
