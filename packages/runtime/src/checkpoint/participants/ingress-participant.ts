import type { Ingress } from '../../ingress/ingress';
import { ingressDataPrefix, ingressPositionKey } from '../../state/keyspace';
import type { BackendOp } from '../../state/state-backend';
import type { CheckpointParticipant } from '../checkpoint-participant';

/**
 * An ingress: its position and its own data, whose keys it writes relative to its region of
 * the backend (it never sees the others). It releases its input once the checkpoint is
 * complete (a local commit does not release it). It resumes from the plan's position when the
 * runtime starts it.
 */
export function ingressParticipant(ingress: Ingress): CheckpointParticipant {
  const prefix = ingressDataPrefix(ingress.id);
  return {
    name: `ingress ${ingress.id}`,
    capture() {
      const { position, ops } = ingress.checkpoint();
      const owned: BackendOp[] = ops.map((op) => ({ ...op, key: prefix + op.key }));
      owned.push({ type: 'put', key: ingressPositionKey(ingress.id), value: position });
      return {
        ops: owned,
        committed: (scope) => (scope === 'complete' ? ingress.checkpointCommitted(position) : ingress.committedLocally?.(position)),
      };
    },
  };
}
