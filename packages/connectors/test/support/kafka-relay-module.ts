import { testBroker } from './kafka-broker';
import { uniqueName } from './kafka-helpers';

/**
 * A module.yaml in StateFun's format: a Kafka ingress reading `input` (text values, from the
 * earliest offset, in a fresh consumer group) into `target`, and the Kafka egress `it/kafka`
 * with `semantic` and a fresh transactional id; `deliveryOptions` are further lines under
 * `deliverySemantic` (e.g. `transactionTimeout: 30s`).
 */
export function kafkaRelayModule(input: string, target: string, semantic: string, deliveryOptions: readonly string[] = []): string {
  return [
    'kind: io.statefun.kafka.v1/ingress',
    'spec:',
    '  id: it/in',
    `  address: ${testBroker().bootstrap}`,
    `  consumerGroupId: ${uniqueName('g')}`,
    '  startupPosition: { type: earliest }',
    '  topics:',
    `    - topic: ${input}`,
    '      valueType: it/Text',
    `      targets: [${target}]`,
    '---',
    'kind: io.statefun.kafka.v1/egress',
    'spec:',
    '  id: it/kafka',
    `  address: ${testBroker().bootstrap}`,
    '  deliverySemantic:',
    `    type: ${semantic}`,
    ...deliveryOptions.map((line) => `    ${line}`),
    '  properties:',
    `    - transactional.id: ${uniqueName('keyflow-test-tx')}`,
    '',
  ].join('\n');
}
