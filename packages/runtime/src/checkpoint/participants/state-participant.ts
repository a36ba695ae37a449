import { EntryStore } from '../../state/entry-store';
import { StateStore } from '../../state/state-store';
import type { CheckpointParticipant } from '../checkpoint-participant';

/**
 * Function state: the writes since the last checkpoint (address states and collection entries),
 * sealed at the instant. State is read from the backend on demand, so there is nothing to restore.
 */
export function stateParticipant(state: StateStore): CheckpointParticipant {
  return {
    name: 'state',
    capture() {
      const delta = state.seal();
      const entries = state.entries.seal();
      return {
        ops: [...StateStore.opsOf(delta), ...EntryStore.opsOf(entries)],
        counts: { addresses: delta.size },
        // Synchronously: no read may find the delta neither sealed nor in the cache.
        committed: () => {
          state.committed(delta);
          state.entries.committed(entries);
        },
        aborted: () => {
          state.unseal(delta);
          state.entries.unseal(entries);
        },
      };
    },
  };
}
