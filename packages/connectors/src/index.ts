// The public API of @keyflow/connectors: StateFun's Kafka and Kinesis module kinds for the
// Keyflow runtime.

export { keyflowKinds } from './keyflow-kinds';
export { ConnectorKinds } from './connector-kinds';
export { ConnectorErrorCodes } from './connector-error-codes';
export type { IngressRouteConfig } from './common/ingress-route';
export type { RoutingFailurePolicy } from './common/routing-failure-policy';

export { kafkaIngressKind } from './kafka/kafka-ingress-kind';
export type { KafkaIngressConfig, KafkaPartitionOffset, KafkaStartupPosition, KafkaTopicConfig } from './kafka/kafka-ingress-kind';
export { kafkaEgressKind } from './kafka/kafka-egress-kind';
export type { KafkaEgressConfig } from './kafka/kafka-egress-kind';
export { DeadLetterHeaders, KafkaIngress } from './kafka/kafka-ingress';
export type { KafkaIngressOptions, KafkaIngressStats } from './kafka/kafka-ingress';
export { KafkaEgress } from './kafka/kafka-egress';
export { KafkaTransactionalEgress } from './kafka/kafka-transactional-egress';
export type { KafkaEgressOptions } from './kafka/kafka-egress';
export { COMMIT_MARKER_TOPIC, commitMarkerGroup } from './kafka/transaction-lane';
export { laneTransactionalIds } from './kafka/transactional-producer';

export { kinesisIngressKind } from './kinesis/kinesis-ingress-kind';
export type { KinesisIngressConfig, KinesisStartupPosition, KinesisStreamConfig } from './kinesis/kinesis-ingress-kind';
export { kinesisEgressKind } from './kinesis/kinesis-egress-kind';
export type { KinesisEgressConfig } from './kinesis/kinesis-egress-kind';
export type { AwsCredentialsConfig, AwsRegionConfig } from './kinesis/aws-settings';
export { KinesisIngress } from './kinesis/kinesis-ingress';
export type { KinesisIngressOptions, KinesisIngressStats } from './kinesis/kinesis-ingress';
export { KinesisEgress } from './kinesis/kinesis-egress';
export type { KinesisEgressOptions } from './kinesis/kinesis-egress';
