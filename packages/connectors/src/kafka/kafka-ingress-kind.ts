import type { IngressKind, SpecReader } from '@keyflow/runtime/kinds';
import { ConnectorKinds } from '../connector-kinds';
import { KafkaIngress } from './kafka-ingress';
import type { IngressRouteConfig } from '../common/ingress-route';
import { readRoutingFailurePolicy, type RoutingFailurePolicy } from '../common/routing-failure-policy';
import { STARTUP_DATE_FORMAT, parseStartupDate } from '../common/startup-date';

/** One `topic/partition: offset` of a `specific-offsets` startup position. */
export interface KafkaPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Where a Kafka ingress starts reading when no checkpoint says where to resume. */
export type KafkaStartupPosition =
  | { readonly type: 'group-offsets' }
  | { readonly type: 'earliest' }
  | { readonly type: 'latest' }
  | { readonly type: 'specific-offsets'; readonly offsets: readonly KafkaPartitionOffset[] }
  | { readonly type: 'date'; readonly epochMillis: number };

/** One entry of `topics`: a topic, the type of its values and the functions it feeds. */
export interface KafkaTopicConfig extends IngressRouteConfig {
  readonly topic: string;
}

/** The validated spec of an `io.statefun.kafka.v1/ingress` document. */
export interface KafkaIngressConfig {
  /** The ingress typename. */
  readonly id: string;
  /** Bootstrap servers, comma-separated (`address`, else the `bootstrap.servers` property). */
  readonly address: string;
  /** `consumerGroupId`, else the `group.id` property, else `keyflow-<id>`. */
  readonly consumerGroupId: string;
  readonly topics: readonly KafkaTopicConfig[];
  readonly startupPosition: KafkaStartupPosition;
  /** Where to start a partition whose startup offset is missing or out of range. Default `latest`. */
  readonly autoOffsetResetPosition: 'earliest' | 'latest';
  /** Kafka consumer properties, applied where kafkajs has an equivalent. */
  readonly properties: Readonly<Record<string, string>>;
  readonly onRoutingFailure: RoutingFailurePolicy;
}

const STARTUP_POSITIONS = ['group-offsets', 'earliest', 'latest', 'specific-offsets', 'date'] as const;
const RESET_POSITIONS = ['earliest', 'latest'] as const;

/**
 * `io.statefun.kafka.v1/ingress`, with StateFun's keys: `id`, `address`, `consumerGroupId`,
 * `topics[]` (`topic`, `valueType`, `targets`), `startupPosition` (`type`: `group-offsets`
 * (default), `earliest`, `latest`, `specific-offsets` with `offsets`, `date` with `date`),
 * `autoOffsetResetPosition`, `properties`; and Keyflow's `onRoutingFailure`.
 */
export const kafkaIngressKind: IngressKind<KafkaIngressConfig> = {
  name: ConnectorKinds.KAFKA_INGRESS,
  role: 'ingress',
  readSpec(spec: SpecReader): KafkaIngressConfig {
    const id = spec.typename('id');
    const properties = spec.optionalStringMap('properties') ?? {};
    const topics = spec.list('topics', { nonEmpty: true }).map((topic) => ({
      topic: topic.string('topic'),
      valueType: topic.typename('valueType'),
      targets: topic.typenameList('targets', { nonEmpty: true }),
    }));
    const seen = new Set<string>();
    for (const { topic } of topics) {
      if (seen.has(topic)) spec.error('topics', 'each topic listed once', `lists '${topic}' twice`);
      seen.add(topic);
    }
    return {
      id,
      address: readAddress(spec, properties),
      consumerGroupId: spec.optionalString('consumerGroupId') ?? properties['group.id'] ?? `keyflow-${id}`,
      topics,
      startupPosition: readStartupPosition(spec),
      autoOffsetResetPosition: readResetPosition(spec),
      properties,
      onRoutingFailure: readRoutingFailurePolicy(spec, ['fail', 'skip', 'dead-letter']),
    };
  },
  create: (config, { logger }) => new KafkaIngress(config, { logger }),
};

/** `address`, else the `bootstrap.servers` property (StateFun: the named key wins). */
export function readAddress(spec: SpecReader, properties: Readonly<Record<string, string>>): string {
  const address = spec.optionalString('address', { expected: "a Kafka bootstrap address such as 'kafka:9092'" });
  if (address !== undefined) return address;
  const fromProperties = properties['bootstrap.servers'];
  if (fromProperties !== undefined && fromProperties !== '') return fromProperties;
  spec.error('address', "a Kafka bootstrap address such as 'kafka:9092' (or a 'bootstrap.servers' property)");
  return '';
}

function readStartupPosition(spec: SpecReader): KafkaStartupPosition {
  const position = spec.optionalObject('startupPosition');
  if (!position) return { type: 'group-offsets' };
  const type = position.enumOf('type', STARTUP_POSITIONS);
  switch (type) {
    case 'specific-offsets':
      return { type, offsets: readSpecificOffsets(position) };
    case 'date': {
      const text = position.string('date', { expected: `a date ${STARTUP_DATE_FORMAT}` });
      const epochMillis = parseStartupDate(text);
      if (epochMillis === undefined && text !== '') position.error('date', `a date ${STARTUP_DATE_FORMAT}`);
      return { type, epochMillis: epochMillis ?? 0 };
    }
    default:
      return { type };
  }
}

function readSpecificOffsets(position: SpecReader): KafkaPartitionOffset[] {
  const offsets: KafkaPartitionOffset[] = [];
  for (const [key, value] of Object.entries(position.stringMap('offsets'))) {
    const slash = key.lastIndexOf('/');
    const topic = key.slice(0, Math.max(slash, 0));
    const partition = Number(key.slice(slash + 1));
    const offset = Number(value);
    if (slash <= 0 || !/^\d+$/.test(key.slice(slash + 1)) || !Number.isSafeInteger(partition)) {
      position.error('offsets', "entries '<topic>/<partition>: <offset>', e.g. 'orders/0: 42'", `has the key '${key}'`);
    } else if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(offset)) {
      position.error('offsets', 'offsets that are whole numbers ≥ 0', `has '${key}: ${value}'`);
    } else {
      offsets.push({ topic, partition, offset });
    }
  }
  return offsets;
}

function readResetPosition(spec: SpecReader): 'earliest' | 'latest' {
  // StateFun reads this one case-insensitively (Java's Enum.valueOf after upper-casing).
  const text = spec.optionalString('autoOffsetResetPosition');
  if (text === undefined) return 'latest';
  const lower = text.toLowerCase();
  if ((RESET_POSITIONS as readonly string[]).includes(lower)) return lower as 'earliest' | 'latest';
  spec.error('autoOffsetResetPosition', "'earliest' or 'latest'");
  return 'latest';
}
