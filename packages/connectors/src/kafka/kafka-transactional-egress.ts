import { isKeyflowError } from '@keyflow/sdk';
import type { EgressRecord, TransactionalEgressSink } from '@keyflow/runtime/kinds';
import type { KafkaEgressOptions } from './kafka-egress';
import type { KafkaEgressConfig } from './kafka-egress-kind';
import { kafkaProducerSetup } from './kafka-producer-setup';
import { toOutgoingRecord, type OutgoingRecord } from './producer-records';
import { TransactionalProducer } from './transactional-producer';

const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * StateFun's generic Kafka egress with delivery `exactly-once`: one Kafka transaction per
 * checkpoint (see {@link TransactionalProducer}). Records are sent into it as they come
 * (`stage`) and it commits once the checkpoint that produced them is durable;
 * `read_committed` consumers see each record once, after its checkpoint.
 *
 * The transactional id is the `transactional.id` property, else `keyflow-<egress id>` (its
 * second producer appends `.1`): two runtimes running the same module against one cluster must
 * set different ones.
 */
export class KafkaTransactionalEgress implements TransactionalEgressSink {
  readonly id: string;
  readonly deliverySemantic = 'exactly-once' as const;
  readonly #producer: TransactionalProducer;

  constructor(config: KafkaEgressConfig, options: KafkaEgressOptions) {
    this.id = config.id;
    const logger = options.logger.child({ egress: config.id });
    const { kafka, properties, maxRequestBytes, compression } = kafkaProducerSetup(config, logger);
    this.#producer = new TransactionalProducer(kafka, {
      egressId: config.id,
      transactionalId: properties.string('transactional.id') ?? `keyflow-${config.id}`,
      transactionTimeoutMs: config.transactionTimeoutMs ?? properties.int('transaction.timeout.ms') ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      maxRequestBytes,
      compression,
      logger,
    });
    properties.reportIgnored(logger, config.id);
    // Connect, fence older producers and read the marker right away, so that the first
    // records do not wait for it; failures here are retried on first use.
    this.#producer.start();
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    const producer = this.#producer;
    await producer.commit(checkpointId, records.length, () => {
      try {
        return records.map(toOutgoingRecord);
      } catch (error) {
        // A bad record fails its checkpoint and, so that later checkpoints cannot overtake it,
        // every one after it: the records wait in the checkpoint until the function is fixed.
        if (isKeyflowError(error)) producer.breakWith(error);
        throw error;
      }
    });
  }

  /** Sends a checkpoint interval's records ahead, into a Kafka transaction. */
  stage(records: readonly EgressRecord[]): void {
    let outgoing: OutgoingRecord[];
    try {
      outgoing = records.map(toOutgoingRecord);
    } catch {
      // Its checkpoint's commit converts the records again and fails with the reason.
      this.#producer.spoil();
      return;
    }
    this.#producer.stage(outgoing);
  }

  seal(checkpointId: number): void {
    this.#producer.seal(checkpointId);
  }

  reopen(): void {
    this.#producer.reopen();
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }
}
