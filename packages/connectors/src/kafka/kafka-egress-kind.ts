import type { DeliverySemantic, EgressKind, SpecReader } from '@keyflow/runtime/kinds';
import { ConnectorKinds } from '../connector-kinds';
import { KafkaEgress } from './kafka-egress';
import { KafkaTransactionalEgress } from './kafka-transactional-egress';
import { readAddress } from './kafka-ingress-kind';

/** The validated spec of an `io.statefun.kafka.v1/egress` document. */
export interface KafkaEgressConfig {
  /** The egress typename functions send `KafkaProducerRecord`s to. */
  readonly id: string;
  /** Bootstrap servers, comma-separated (`address`, else the `bootstrap.servers` property). */
  readonly address: string;
  /** Default `at-least-once`, as StateFun. */
  readonly deliverySemantic: DeliverySemantic;
  /** Kafka transaction timeout for `exactly-once`; undefined: the `transaction.timeout.ms` property or 60 s. */
  readonly transactionTimeoutMs: number | undefined;
  /** Kafka producer properties, applied where kafkajs has an equivalent. */
  readonly properties: Readonly<Record<string, string>>;
}

const DELIVERY_SEMANTICS = ['none', 'at-least-once', 'exactly-once'] as const;

/**
 * `io.statefun.kafka.v1/egress`, with StateFun's keys: `id`, `address`, `deliverySemantic`
 * (`type`: `none`, `at-least-once` (default), `exactly-once` with `transactionTimeout` or the
 * older `transactionTimeoutMillis`), `properties`. Offers both egress protocols: a streaming
 * {@link KafkaEgress}, or a {@link KafkaTransactionalEgress} for `exactly-once`.
 */
export const kafkaEgressKind: EgressKind<KafkaEgressConfig> = {
  name: ConnectorKinds.KAFKA_EGRESS,
  role: 'egress',
  readSpec(spec: SpecReader): KafkaEgressConfig {
    const properties = spec.optionalStringMap('properties') ?? {};
    const delivery = spec.optionalObject('deliverySemantic');
    const deliverySemantic = delivery?.enumOf('type', DELIVERY_SEMANTICS) ?? 'at-least-once';
    // StateFun prefers the older millisecond key when both are given; both are read (and
    // ignored unless exactly-once, as StateFun does) so that neither is reported as unknown.
    const legacyMillis = delivery?.optionalInt('transactionTimeoutMillis', { min: 1 });
    const timeout = delivery?.optionalDuration('transactionTimeout', { min: 1 });
    return {
      id: spec.typename('id'),
      address: readAddress(spec, properties),
      deliverySemantic,
      transactionTimeoutMs: deliverySemantic === 'exactly-once' ? (legacyMillis ?? timeout) : undefined,
      properties,
    };
  },
  create(config, { logger }) {
    const { deliverySemantic } = config;
    return deliverySemantic === 'exactly-once' ? new KafkaTransactionalEgress(config, { logger }) : new KafkaEgress({ ...config, deliverySemantic }, { logger });
  },
};
