import type { Logger } from '@keyflow/sdk';
import { CompressionTypes, Kafka } from 'kafkajs';
import type { KafkaEgressConfig } from './kafka-egress-kind';
import { KafkaProperties } from './kafka-properties';

/** What both Kafka egresses build from their config before choosing a producer. */
export interface KafkaProducerSetup {
  readonly kafka: Kafka;
  /** The producer properties; the egress reads its own and then reports those left unread. */
  readonly properties: KafkaProperties;
  /** 90% of `max.request.size` (default 1 MiB), at least 1 KiB: the bytes of one produce request. */
  readonly maxRequestBytes: number;
  readonly compression: CompressionTypes;
}

/** The Kafka client and producer settings of an `io.statefun.kafka.v1/egress` document. */
export function kafkaProducerSetup(config: KafkaEgressConfig, logger: Logger): KafkaProducerSetup {
  const properties = new KafkaProperties(config.properties);
  return {
    kafka: new Kafka(properties.clientConfig(config.address, `keyflow-${config.id}`, logger)),
    properties,
    maxRequestBytes: Math.max(1_024, Math.floor((properties.int('max.request.size') ?? 1_048_576) * 0.9)),
    compression: compressionOf(properties.string('compression.type'), logger),
  };
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
