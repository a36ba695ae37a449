import { KeyflowError } from '@keyflow/sdk';
import { ConnectorErrorCodes } from '../connector-error-codes';

/**
 * Where a shard resumes: after a sequence number (the last record handed over), at a time (a
 * `latest` or `date` start with no record yet), at the shard's start, or nowhere (read to its end).
 */
export type ShardPosition =
  | { readonly after: string }
  | { readonly at: number }
  | { readonly earliest: true }
  | { readonly finished: true };

/** Positions per stream and shard id. */
export type ShardPositions = Map<string, Map<string, ShardPosition>>;

const FORMAT = 'keyflow.kinesis.v1';

/** The checkpoint position of a Kinesis ingress, as JSON: sequence numbers per stream and shard. */
export function encodeKinesisPosition(positions: ShardPositions): Uint8Array {
  const shards: Record<string, Record<string, ShardPosition>> = {};
  for (const [stream, byShard] of positions) shards[stream] = Object.fromEntries(byShard);
  return Buffer.from(JSON.stringify({ format: FORMAT, shards }), 'utf8');
}

/** Reads {@link encodeKinesisPosition}'s bytes; throws `KF_CONNECTOR_BAD_POSITION` for anything else. */
export function decodeKinesisPosition(bytes: Uint8Array, ingressId: string): ShardPositions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const document = parsed as { format?: unknown; shards?: unknown } | undefined;
  if (document?.format !== FORMAT || typeof document.shards !== 'object' || document.shards === null) {
    throw new KeyflowError(
      ConnectorErrorCodes.BAD_POSITION,
      `The checkpoint holds a position for ingress ${ingressId} that is not a Kinesis position (${FORMAT}); was the ingress id reused for another kind of ingress?`,
    );
  }
  const positions: ShardPositions = new Map();
  for (const [stream, shards] of Object.entries(document.shards as Record<string, Record<string, unknown>>)) {
    const byShard = new Map<string, ShardPosition>();
    for (const [shardId, position] of Object.entries(shards)) {
      if (isShardPosition(position)) byShard.set(shardId, position);
    }
    positions.set(stream, byShard);
  }
  return positions;
}

function isShardPosition(value: unknown): value is ShardPosition {
  if (typeof value !== 'object' || value === null) return false;
  const position = value as Record<string, unknown>;
  return (
    typeof position['after'] === 'string' ||
    typeof position['at'] === 'number' ||
    position['earliest'] === true ||
    position['finished'] === true
  );
}
