import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime, parseModule } from '@keyflow/runtime';
import { kafkaEgressKind, keyflowKinds, type KafkaEgressConfig } from '@keyflow/connectors';
import { Relay, relayTarget } from './relay-function';

/**
 * Keyflow: the Kafka ingress feeds the embedded relay function, whose records go out through
 * the Kafka egress. Timed from the runtime's start until every record is acknowledged by Kafka,
 * which a checkpoint after the last record waits for with either semantic.
 */
export async function keyflowPipeline(
  bootstrap: string,
  input: string,
  output: string,
  total: number,
  semantic: 'at-least-once' | 'exactly-once',
  checkpointIntervalMs: number,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-kafka-'));
  relayTarget.topic = output;
  const moduleYaml = `kind: io.statefun.kafka.v1/ingress
spec:
  id: bench/in
  address: ${bootstrap}
  consumerGroupId: bench-keyflow-${Date.now()}
  startupPosition: { type: earliest }
  topics:
    - topic: ${input}
      valueType: bench/Bytes
      targets: [bench/relay]
`;
  const egressConfig: KafkaEgressConfig = {
    id: 'bench/out',
    address: bootstrap,
    deliverySemantic: semantic,
    transactionTimeoutMs: 60_000,
    properties: { 'transactional.id': `bench-keyflow-${Date.now()}` },
  };
  const egress = kafkaEgressKind.create(egressConfig, { logger: silentLogger, sidecars: [] });
  const started = performance.now();
  const runtime = await KeyflowRuntime.start({
    module: parseModule(moduleYaml, join(dir, 'module.yaml'), { kinds: keyflowKinds }),
    stateDir: dir,
    kinds: keyflowKinds,
    functions: [Relay],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs,
  });
  try {
    while (runtime.stats().invocations < total) await new Promise((resolve) => setTimeout(resolve, 5));
    await runtime.whenIdle();
    // A checkpoint ends only when every record emitted before it is acknowledged by Kafka:
    // with at-least-once it flushes the runtime's egress buffers and then the producer's (the
    // producer's flush alone misses records the runtime has not handed over yet); with
    // exactly-once it commits the transaction holding the last records.
    await runtime.checkpoint();
    return total / ((performance.now() - started) / 1000);
  } finally {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
