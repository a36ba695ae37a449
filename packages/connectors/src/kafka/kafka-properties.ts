import type { Logger } from '@keyflow/sdk';
import type { ConsumerConfig, KafkaConfig, SASLOptions } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log-creator';

/** Properties Keyflow reads elsewhere or that have no meaning with kafkajs; accepted silently. */
const WITHOUT_EFFECT = new Set([
  'group.id',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'key.deserializer',
  'value.deserializer',
  'key.serializer',
  'value.serializer',
  'max.poll.records',
  'enable.idempotence',
  'max.in.flight.requests.per.connection',
  'batch.size',
  'buffer.memory',
  'delivery.timeout.ms',
  'retries',
]);

/**
 * Kafka client properties as StateFun takes them (Java client names), turned into kafkajs
 * settings where kafkajs has an equivalent. Every property read is remembered, so that the
 * rest can be reported once as ignored.
 */
export class KafkaProperties {
  readonly #properties: Readonly<Record<string, string>>;
  readonly #read = new Set<string>(WITHOUT_EFFECT);

  constructor(properties: Readonly<Record<string, string>>) {
    this.#properties = properties;
  }

  /** The raw value of a property, marked as used. */
  string(name: string): string | undefined {
    this.#read.add(name);
    const value = this.#properties[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /** A whole-number property; undefined when absent or not a number. */
  int(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : undefined;
  }

  /** The client settings shared by consumers, producers and admins. */
  clientConfig(address: string, defaultClientId: string, logger: Logger): KafkaConfig {
    this.string('bootstrap.servers'); // `address` wins, as in StateFun; it was filled from this when absent.
    const config: KafkaConfig = {
      brokers: address.split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''),
      clientId: this.string('client.id') ?? defaultClientId,
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(logger),
    };
    const requestTimeout = this.int('request.timeout.ms');
    if (requestTimeout !== undefined) config.requestTimeout = requestTimeout;
    const connectionTimeout = this.int('socket.connection.setup.timeout.ms');
    if (connectionTimeout !== undefined) config.connectionTimeout = connectionTimeout;
    const retryBackoff = this.int('retry.backoff.ms');
    const retryMax = this.int('reconnect.backoff.max.ms');
    if (retryBackoff !== undefined || retryMax !== undefined) {
      config.retry = {
        ...(retryBackoff === undefined ? {} : { initialRetryTime: retryBackoff }),
        ...(retryMax === undefined ? {} : { maxRetryTime: retryMax }),
      };
    }
    const protocol = this.string('security.protocol')?.toUpperCase();
    if (protocol === 'SSL' || protocol === 'SASL_SSL') config.ssl = true;
    if (protocol === 'SASL_SSL' || protocol === 'SASL_PLAINTEXT') {
      const sasl = this.#sasl();
      if (sasl) config.sasl = sasl;
    }
    return config;
  }

  /** Consumer settings: fetch sizes and waits, session and rebalance timeouts, isolation level. */
  consumerConfig(groupId: string): ConsumerConfig {
    const config: ConsumerConfig = {
      groupId,
      // Java's default; kafkajs's 5 s would make every stop wait for a long poll.
      maxWaitTimeInMs: this.int('fetch.max.wait.ms') ?? 500,
      // Java's default isolation level; `isolation.level: read_committed` hides aborted records.
      readUncommitted: this.string('isolation.level')?.toLowerCase() !== 'read_committed',
    };
    const settings: ReadonlyArray<readonly [string, keyof ConsumerConfig]> = [
      ['fetch.min.bytes', 'minBytes'],
      ['fetch.max.bytes', 'maxBytes'],
      ['max.partition.fetch.bytes', 'maxBytesPerPartition'],
      ['session.timeout.ms', 'sessionTimeout'],
      ['heartbeat.interval.ms', 'heartbeatInterval'],
      ['max.poll.interval.ms', 'rebalanceTimeout'],
      ['metadata.max.age.ms', 'metadataMaxAge'],
    ];
    for (const [property, option] of settings) {
      const value = this.int(property);
      if (value !== undefined) (config as unknown as Record<string, unknown>)[option] = value;
    }
    const rack = this.string('client.rack');
    if (rack !== undefined) config.rackId = rack;
    const autoCreate = this.string('allow.auto.create.topics');
    if (autoCreate !== undefined) config.allowAutoTopicCreation = autoCreate.toLowerCase() === 'true';
    return config;
  }

  /** Logs, once, the properties that no setting used. */
  reportIgnored(logger: Logger, component: string): void {
    const ignored = Object.keys(this.#properties).filter((name) => !this.#read.has(name));
    if (ignored.length > 0) {
      logger.warn('Kafka properties without a kafkajs equivalent are ignored', { component, properties: ignored });
    }
  }

  #sasl(): SASLOptions | undefined {
    const mechanism = this.string('sasl.mechanism')?.toLowerCase() ?? 'plain';
    const jaas = this.string('sasl.jaas.config') ?? '';
    const username = /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    const password = /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    if (username === undefined || password === undefined) return undefined;
    if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
      return { mechanism, username, password };
    }
    return undefined;
  }
}
