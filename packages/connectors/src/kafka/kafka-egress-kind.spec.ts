import { configOf, problemsOf, yaml } from '../test-support/module-parsing';
import type { KafkaEgressConfig } from './kafka-egress-kind';

const HEAD = ['kind: io.statefun.kafka.v1/egress', 'spec:', '  id: shop/confirmations', '  address: kafka:9092'];

describe('io.statefun.kafka.v1/egress', () => {
  it("reads StateFun's example as written", () => {
    const config = configOf<KafkaEgressConfig>(
      yaml(...HEAD, '  deliverySemantic:', '    type: exactly-once', '    transactionTimeout: 15min', '  properties:', '    - transaction.timeout.ms: 900000'),
    );
    expect(config).toEqual({
      id: 'shop/confirmations',
      address: 'kafka:9092',
      deliverySemantic: 'exactly-once',
      transactionTimeoutMs: 900_000,
      properties: { 'transaction.timeout.ms': '900000' },
    });
  });

  it('defaults to at-least-once and accepts the older transactionTimeoutMillis', () => {
    expect(configOf<KafkaEgressConfig>(yaml(...HEAD)).deliverySemantic).toBe('at-least-once');
    const legacy = configOf<KafkaEgressConfig>(yaml(...HEAD, '  deliverySemantic:', '    type: exactly-once', '    transactionTimeoutMillis: 100000'));
    expect(legacy.transactionTimeoutMs).toBe(100_000);
    const none = configOf<KafkaEgressConfig>(yaml(...HEAD, '  deliverySemantic:', '    type: none', '    transactionTimeout: 1 min'));
    expect(none).toMatchObject({ deliverySemantic: 'none', transactionTimeoutMs: undefined });
  });

  it('reports a bad semantic and a bad timeout with their lines', () => {
    expect(problemsOf(yaml(...HEAD, '  deliverySemantic:', '    type: exactly_once', '    transactionTimeout: soon')).map((line) => line.split(',')[0])).toEqual([
      'module.yaml:6 spec.deliverySemantic.type is "exactly_once"',
      'module.yaml:7 spec.deliverySemantic.transactionTimeout is "soon"',
    ]);
  });
});
