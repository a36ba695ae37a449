import { configOf, problemsOf, yaml } from '../test-support/module-parsing';
import type { KafkaIngressConfig } from './kafka-ingress-kind';

const HEAD = ['kind: io.statefun.kafka.v1/ingress', 'spec:', '  id: shop/orders'];
const TOPICS = ['  topics:', '    - topic: orders', '      valueType: shop/Order', '      targets:', '        - shop/order-handler'];

describe('io.statefun.kafka.v1/ingress', () => {
  it("reads StateFun's example as written", () => {
    const config = configOf<KafkaIngressConfig>(
      yaml(
        ...HEAD,
        '  address: kafka:9092',
        '  consumerGroupId: shop',
        '  startupPosition:',
        '    type: earliest',
        ...TOPICS,
        '    - topic: returns',
        '      valueType: shop/Return',
        '      targets: [shop/order-handler, shop/audit]',
        '  properties:',
        '    - max.poll.records: 100',
        '    - isolation.level: read_committed',
      ),
    );
    expect(config).toEqual({
      id: 'shop/orders',
      address: 'kafka:9092',
      consumerGroupId: 'shop',
      topics: [
        { topic: 'orders', valueType: 'shop/Order', targets: ['shop/order-handler'] },
        { topic: 'returns', valueType: 'shop/Return', targets: ['shop/order-handler', 'shop/audit'] },
      ],
      startupPosition: { type: 'earliest' },
      autoOffsetResetPosition: 'latest',
      properties: { 'max.poll.records': '100', 'isolation.level': 'read_committed' },
      onRoutingFailure: { policy: 'fail' },
    });
  });

  it('defaults to group offsets, a latest reset, the fail policy, and takes the address and group from properties', () => {
    const config = configOf<KafkaIngressConfig>(yaml(...HEAD, ...TOPICS, '  properties:', '    bootstrap.servers: a:9092,b:9092', '    group.id: g1'));
    expect(config.startupPosition).toEqual({ type: 'group-offsets' });
    expect(config.autoOffsetResetPosition).toBe('latest');
    expect(config.address).toBe('a:9092,b:9092');
    expect(config.consumerGroupId).toBe('g1');
    expect(config.onRoutingFailure).toEqual({ policy: 'fail' });
  });

  it('names a group after the ingress when none is given', () => {
    expect(configOf<KafkaIngressConfig>(yaml(...HEAD, '  address: k:9092', ...TOPICS)).consumerGroupId).toBe('keyflow-shop/orders');
  });

  it('reads specific offsets as a list of single-entry maps or as a map, and dates', () => {
    const listed = configOf<KafkaIngressConfig>(
      yaml(...HEAD, '  address: k:9092', ...TOPICS, '  startupPosition:', '    type: specific-offsets', '    offsets:', '      - orders/0: 91', '      - orders/2: 8'),
    );
    expect(listed.startupPosition).toEqual({
      type: 'specific-offsets',
      offsets: [
        { topic: 'orders', partition: 0, offset: 91 },
        { topic: 'orders', partition: 2, offset: 8 },
      ],
    });
    const mapped = configOf<KafkaIngressConfig>(
      yaml(...HEAD, '  address: k:9092', ...TOPICS, '  startupPosition:', '    type: specific-offsets', '    offsets: { "a/b/1": 3 }'),
    );
    expect(mapped.startupPosition).toEqual({ type: 'specific-offsets', offsets: [{ topic: 'a/b', partition: 1, offset: 3 }] });
    const dated = configOf<KafkaIngressConfig>(
      yaml(...HEAD, '  address: k:9092', ...TOPICS, '  startupPosition:', '    type: date', '    date: 2020-02-01 04:15:00.000 +0000', '  autoOffsetResetPosition: EARLIEST'),
    );
    expect(dated.startupPosition).toEqual({ type: 'date', epochMillis: Date.UTC(2020, 1, 1, 4, 15) });
    expect(dated.autoOffsetResetPosition).toBe('earliest');
  });

  it('reads the routing-failure policy', () => {
    const config = configOf<KafkaIngressConfig>(
      yaml(...HEAD, '  address: k:9092', ...TOPICS, '  onRoutingFailure:', '    policy: dead-letter', '    topic: orders-dlt'),
    );
    expect(config.onRoutingFailure).toEqual({ policy: 'dead-letter', topic: 'orders-dlt' });
  });

  it('reports every problem with its line', () => {
    expect(
      problemsOf(
        yaml(
          ...HEAD, //                                   1-3
          '  adress: k:9092', //                         4
          '  startupPosition:', //                       5
          '    type: specific-offset', //                6
          '  topics:', //                                7
          '    - topic: orders', //                      8
          '      valueType: Order', //                   9
          '      targets: []', //                        10
          '  onRoutingFailure:', //                      11
          '    policy: dead-letter', //                  12
          '  autoOffsetResetPosition: middle', //        13
        ),
      ),
    ).toEqual([
      "module.yaml:2 spec.address is missing, expected a Kafka bootstrap address such as 'kafka:9092' (or a 'bootstrap.servers' property)",
      "module.yaml:4 spec.adress is not a known key (did you mean 'address'?), expected one of: id, properties, topics, address, consumerGroupId, startupPosition, autoOffsetResetPosition, onRoutingFailure",
      "module.yaml:6 spec.startupPosition.type is \"specific-offset\", expected one of 'group-offsets', 'earliest', 'latest', 'specific-offsets', 'date' (did you mean 'specific-offsets'?)",
      'module.yaml:9 spec.topics[0].valueType is "Order", expected a typename <namespace>/<name>, e.g. \'example/greeter\'',
      "module.yaml:10 spec.topics[0].targets is an empty list, expected a non-empty list of typenames <namespace>/<name>, e.g. ['example/greeter']",
      'module.yaml:11 spec.onRoutingFailure.topic is missing, expected the dead-letter topic name',
      "module.yaml:13 spec.autoOffsetResetPosition is \"middle\", expected 'earliest' or 'latest'",
    ]);
  });

  it('rejects bad dates, bad offsets and topics listed twice', () => {
    expect(
      problemsOf(
        yaml(
          ...HEAD,
          '  address: k:9092',
          '  startupPosition:',
          '    type: date',
          '    date: yesterday',
          ...TOPICS,
          ...TOPICS.slice(1),
        ),
      ).map((line) => line.split(',')[0]),
    ).toEqual(['module.yaml:7 spec.startupPosition.date is "yesterday"', "module.yaml:8 spec.topics lists 'orders' twice"]);
    expect(
      problemsOf(yaml(...HEAD, '  address: k:9092', ...TOPICS, '  startupPosition:', '    type: specific-offsets', '    offsets:', '      - orders: 1')),
    ).toEqual(["module.yaml:12 spec.startupPosition.offsets has the key 'orders', expected entries '<topic>/<partition>: <offset>', e.g. 'orders/0: 42'"]);
  });
});
