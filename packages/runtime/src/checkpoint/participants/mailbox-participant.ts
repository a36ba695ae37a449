import type { Dispatcher } from '../../dispatcher/dispatcher';
import { encodeEnvelopes } from '../../message/envelope';
import { MAILBOXES_KEY } from '../../state/keyspace';
import type { CheckpointParticipant } from '../checkpoint-participant';

/** Mailboxes: every message queued or in flight, written whole at each checkpoint and delivered again on restore. */
export function mailboxParticipant(dispatcher: Dispatcher): CheckpointParticipant {
  return {
    name: 'mailboxes',
    capture() {
      const mailboxes = dispatcher.snapshot();
      return { ops: [{ type: 'put', key: MAILBOXES_KEY, value: encodeEnvelopes(mailboxes) }], counts: { messages: mailboxes.length } };
    },
    restore(plan) {
      for (const envelope of plan.mailboxes) dispatcher.enqueue(envelope);
    },
  };
}
