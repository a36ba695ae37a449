import type { Kind } from '@keyflow/runtime/kinds';
import { kafkaEgressKind } from './kafka/kafka-egress-kind';
import { kafkaIngressKind } from './kafka/kafka-ingress-kind';
import { kinesisEgressKind } from './kinesis/kinesis-egress-kind';
import { kinesisIngressKind } from './kinesis/kinesis-ingress-kind';

/**
 * The module.yaml kinds of this package: StateFun's `io.statefun.kafka.v1/ingress|egress` and
 * `io.statefun.kinesis.v1/ingress|egress`, each with how its spec is read and how its ingress
 * or egress is created. package.json declares them (`"keyflow": { "kinds": "." }`), so the
 * `keyflow` CLI registers them whenever a project depends on this package.
 *
 * @example
 * const module = await loadModule('module.yaml', { kinds: keyflowKinds });
 * const runtime = await KeyflowRuntime.start({ module, stateDir: '.keyflow', kinds: keyflowKinds });
 */
export const keyflowKinds: readonly Kind[] = [kafkaIngressKind, kafkaEgressKind, kinesisIngressKind, kinesisEgressKind];
