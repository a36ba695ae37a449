/** The StateFun module kinds this package provides, as written in module.yaml. */
export const ConnectorKinds = {
  KAFKA_INGRESS: 'io.statefun.kafka.v1/ingress',
  KAFKA_EGRESS: 'io.statefun.kafka.v1/egress',
  KINESIS_INGRESS: 'io.statefun.kinesis.v1/ingress',
  KINESIS_EGRESS: 'io.statefun.kinesis.v1/egress',
} as const;
