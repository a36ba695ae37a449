import type { Dispatcher } from '../../dispatcher/dispatcher';
import { encodeEnvelopes } from '../../message/envelope';
import { MAILBOXES_KEY, PARKED_MESSAGES_KEY } from '../../state/keyspace';
import type { CheckpointParticipant } from '../checkpoint-participant';

/**
 * Mailboxes: every message queued or in flight, written whole at each checkpoint and delivered
 * again on restore; and the parked messages beside them (a message is in one or the other).
 */
export function mailboxParticipant(dispatcher: Dispatcher): CheckpointParticipant {
  return {
    name: 'mailboxes',
    capture() {
      const mailboxes = dispatcher.snapshot();
      return {
        ops: [
          { type: 'put', key: MAILBOXES_KEY, value: encodeEnvelopes(mailboxes) },
          { type: 'put', key: PARKED_MESSAGES_KEY, value: dispatcher.parked.encode() },
        ],
        counts: { messages: mailboxes.length },
      };
    },
    restore(plan) {
      if (plan.parkedMessages) dispatcher.parked.restore(plan.parkedMessages);
      for (const envelope of plan.mailboxes) dispatcher.enqueue(envelope);
    },
  };
}
