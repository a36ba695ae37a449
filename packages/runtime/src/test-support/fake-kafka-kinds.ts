// A stand-in for @keyflow/connectors' Kafka kinds, written the way a connector author would,
// to show and test how a package's kinds are read. Not the real connector: its components are
// the runtime's test fakes.

import { CapturingEgress } from './capturing-egress';
import { FakeIngress } from './fake-ingress';
import type { EgressKind, IngressKind, Kind } from '../module/kinds/kind';
import type { SpecReader } from '../module/spec-reader';

const STARTUP_POSITIONS = ['group-offsets', 'earliest', 'latest', 'specific-offsets', 'date'] as const;
const DELIVERY_SEMANTICS = ['none', 'at-least-once', 'exactly-once'] as const;

export interface FakeKafkaIngressConfig {
  readonly id: string;
  readonly address: string;
  readonly consumerGroupId: string | undefined;
  readonly startupPosition: (typeof STARTUP_POSITIONS)[number];
  readonly startupDate: string | undefined;
  readonly startupOffsets: Readonly<Record<string, string>> | undefined;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly valueType: string; readonly targets: readonly string[] }>;
  readonly properties: Readonly<Record<string, string>>;
}

export interface FakeKafkaEgressConfig {
  readonly id: string;
  readonly address: string;
  readonly deliverySemantic: (typeof DELIVERY_SEMANTICS)[number];
  readonly transactionTimeoutMs: number | undefined;
  readonly properties: Readonly<Record<string, string>>;
}

const ADDRESS = { expected: "a Kafka bootstrap address such as 'kafka:9092'" };

export const fakeKafkaIngress: IngressKind<FakeKafkaIngressConfig> = {
  name: 'io.statefun.kafka.v1/ingress',
  role: 'ingress',
  create: (config) => new FakeIngress(config.id),
  readSpec(spec: SpecReader): FakeKafkaIngressConfig {
    const position = spec.optionalObject('startupPosition');
    const startupPosition = position?.enumOf('type', STARTUP_POSITIONS) ?? 'group-offsets';
    return {
      id: spec.typename('id'),
      address: spec.string('address', ADDRESS),
      consumerGroupId: spec.optionalString('consumerGroupId'),
      startupPosition,
      startupDate: startupPosition === 'date' ? position?.string('date') : undefined,
      startupOffsets: startupPosition === 'specific-offsets' ? position?.stringMap('offsets') : undefined,
      topics: spec.list('topics', { nonEmpty: true }).map((topic) => ({
        topic: topic.string('topic'),
        valueType: topic.typename('valueType'),
        targets: topic.typenameList('targets', { nonEmpty: true }),
      })),
      properties: spec.optionalStringMap('properties') ?? {},
    };
  },
};

export const fakeKafkaEgress: EgressKind<FakeKafkaEgressConfig> = {
  name: 'io.statefun.kafka.v1/egress',
  role: 'egress',
  create: (config) => new CapturingEgress(config.id, config.deliverySemantic),
  readSpec(spec: SpecReader): FakeKafkaEgressConfig {
    const delivery = spec.optionalObject('deliverySemantic');
    const deliverySemantic = delivery?.enumOf('type', DELIVERY_SEMANTICS) ?? 'at-least-once';
    const transactionTimeoutMs = delivery?.optionalDuration('transactionTimeout', { min: 1 });
    if (transactionTimeoutMs !== undefined && deliverySemantic !== 'exactly-once') {
      delivery?.error('transactionTimeout', "no transaction timeout unless type is 'exactly-once'", 'is set');
    }
    return {
      id: spec.typename('id'),
      address: spec.string('address', ADDRESS),
      deliverySemantic,
      transactionTimeoutMs,
      properties: spec.optionalStringMap('properties') ?? {},
    };
  },
};

/** Both fake Kafka kinds, as a connector package would export them. */
export const fakeKafkaKinds: readonly Kind[] = [fakeKafkaIngress, fakeKafkaEgress];
