import type { Logger } from '@keyflow/sdk';
import { silentLogger } from '@keyflow/sdk';
import { KafkaProperties } from './kafka-properties';

describe('Kafka client properties', () => {
  it('maps Java client properties to kafkajs settings; the address wins over bootstrap.servers', () => {
    const properties = new KafkaProperties({
      'bootstrap.servers': 'ignored:9092',
      'client.id': 'shop',
      'request.timeout.ms': '5000',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="ann" password="secret";',
    });
    const config = properties.clientConfig('a:9092, b:9092', 'keyflow-x', silentLogger);
    expect(config).toMatchObject({
      brokers: ['a:9092', 'b:9092'],
      clientId: 'shop',
      requestTimeout: 5000,
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'ann', password: 'secret' },
    });
  });

  it('reads consumer settings, with Java defaults for the fetch wait and the isolation level', () => {
    expect(new KafkaProperties({}).consumerConfig('g')).toEqual({ groupId: 'g', maxWaitTimeInMs: 500, readUncommitted: true });
    expect(
      new KafkaProperties({ 'isolation.level': 'read_committed', 'session.timeout.ms': '10000', 'max.partition.fetch.bytes': '2048' }).consumerConfig('g'),
    ).toEqual({ groupId: 'g', maxWaitTimeInMs: 500, readUncommitted: false, sessionTimeout: 10000, maxBytesPerPartition: 2048 });
  });

  it('reports the properties it could not apply, once', () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (_message: string, fields?: unknown) => warnings.push(fields) } as Logger;
    const properties = new KafkaProperties({ 'max.poll.records': '100', 'ssl.truststore.location': '/x', 'fetch.min.bytes': '1' });
    properties.consumerConfig('g');
    properties.reportIgnored(logger, 'it/in');
    expect(warnings).toEqual([{ component: 'it/in', properties: ['ssl.truststore.location'] }]);
  });
});
