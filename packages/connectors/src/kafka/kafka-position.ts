import { KeyflowError } from '@keyflow/sdk';
import { ConnectorErrorCodes } from '../connector-error-codes';

/** Next offset to hand over, per topic and partition: everything before it has been. */
export type PartitionOffsets = Map<string, Map<number, number>>;

const FORMAT = 'keyflow.kafka.v1';

/**
 * The checkpoint position of a Kafka ingress: the next offset per topic-partition, as JSON
 * (`{"format":"keyflow.kafka.v1","offsets":{"orders":{"0":42}}}`), readable in a debugger and
 * stable across versions.
 */
export function encodeKafkaPosition(offsets: PartitionOffsets): Uint8Array {
  const json: Record<string, Record<string, number>> = {};
  for (const [topic, partitions] of offsets) json[topic] = Object.fromEntries(partitions);
  return Buffer.from(JSON.stringify({ format: FORMAT, offsets: json }), 'utf8');
}

/** Reads {@link encodeKafkaPosition}'s bytes; throws `KF_CONNECTOR_BAD_POSITION` for anything else. */
export function decodeKafkaPosition(bytes: Uint8Array, ingressId: string): PartitionOffsets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const document = parsed as { format?: unknown; offsets?: unknown } | undefined;
  if (document?.format !== FORMAT || typeof document.offsets !== 'object' || document.offsets === null) {
    throw new KeyflowError(
      ConnectorErrorCodes.BAD_POSITION,
      `The checkpoint holds a position for ingress ${ingressId} that is not a Kafka position (${FORMAT}); was the ingress id reused for another kind of ingress? Start from a checkpoint of this module, or rename the ingress.`,
    );
  }
  const offsets: PartitionOffsets = new Map();
  for (const [topic, partitions] of Object.entries(document.offsets as Record<string, Record<string, unknown>>)) {
    const byPartition = new Map<number, number>();
    for (const [partition, offset] of Object.entries(partitions)) {
      if (typeof offset === 'number' && Number.isSafeInteger(offset)) byPartition.set(Number(partition), offset);
    }
    offsets.set(topic, byPartition);
  }
  return offsets;
}

/** A deep copy, for positions captured at a checkpoint while consumption goes on. */
export function copyOffsets(offsets: PartitionOffsets): PartitionOffsets {
  return new Map([...offsets].map(([topic, partitions]) => [topic, new Map(partitions)]));
}
