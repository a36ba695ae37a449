import type { Logger } from '@keyflow/sdk';
import type { EgressSink, ExtensionConfig, Ingress, ModuleExtension, RuntimeExtension } from '@keyflow/runtime';
import { ConnectorKinds } from './connector-kinds';
import { KafkaEgress } from './kafka/kafka-egress';
import { kafkaEgressKind, type KafkaEgressConfig } from './kafka/kafka-egress-kind';
import { KafkaIngress } from './kafka/kafka-ingress';
import { kafkaIngressKind, type KafkaIngressConfig } from './kafka/kafka-ingress-kind';
import { KinesisEgress } from './kinesis/kinesis-egress';
import { kinesisEgressKind, type KinesisEgressConfig } from './kinesis/kinesis-egress-kind';
import { KinesisIngress } from './kinesis/kinesis-ingress';
import { kinesisIngressKind, type KinesisIngressConfig } from './kinesis/kinesis-ingress-kind';

/** The module.yaml kinds of this package, for `loadModule(…, { extensions: connectorKinds })`. */
export const connectorKinds: readonly ModuleExtension[] = [kafkaIngressKind, kafkaEgressKind, kinesisIngressKind, kinesisEgressKind];

/**
 * Kafka and Kinesis for the Keyflow runtime: StateFun's `io.statefun.kafka.v1/ingress|egress`
 * and `io.statefun.kinesis.v1/ingress|egress` kinds, and the ingresses and egresses built from
 * them. The `keyflow` CLI loads it by itself when this package is installed.
 *
 * @example
 * const module = await loadModule('module.yaml', { extensions: keyflowExtension.moduleKinds });
 * const runtime = await KeyflowRuntime.start({ module, stateDir: '.keyflow', extensions: [keyflowExtension] });
 */
export const keyflowExtension: RuntimeExtension = {
  name: '@keyflow/connectors',
  moduleKinds: connectorKinds,
  createIngress(config: ExtensionConfig, logger: Logger): Ingress | undefined {
    switch (config.kindName) {
      case ConnectorKinds.KAFKA_INGRESS:
        return new KafkaIngress(config.config as KafkaIngressConfig, { logger });
      case ConnectorKinds.KINESIS_INGRESS:
        return new KinesisIngress(config.config as KinesisIngressConfig, { logger });
      default:
        return undefined;
    }
  },
  createEgress(config: ExtensionConfig, logger: Logger): EgressSink | undefined {
    switch (config.kindName) {
      case ConnectorKinds.KAFKA_EGRESS:
        return new KafkaEgress(config.config as KafkaEgressConfig, { logger });
      case ConnectorKinds.KINESIS_EGRESS:
        return new KinesisEgress(config.config as KinesisEgressConfig, { logger });
      default:
        return undefined;
    }
  },
};
