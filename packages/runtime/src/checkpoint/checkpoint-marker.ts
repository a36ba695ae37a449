import type { StateBackend } from '../state/state-backend';
import { CHECKPOINT_MARKER_KEY } from '../state/keyspace';

/** What the backend records of the last checkpoint committed into it. */
export interface CheckpointMarker {
  readonly checkpointId: number;
  /** The history the checkpoint belongs to: a new one starts from empty state or a savepoint. */
  readonly lineage: string;
  readonly time: number;
}

export async function readMarker(backend: StateBackend): Promise<CheckpointMarker | undefined> {
  const bytes = await backend.get(CHECKPOINT_MARKER_KEY);
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as CheckpointMarker);
}

export function encodeMarker(marker: CheckpointMarker): Buffer {
  return Buffer.from(JSON.stringify(marker));
}
