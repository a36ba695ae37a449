import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { ValueView } from '../inspect/value-view';
import { adminRequest, adminTokenOf, adminUrlOf } from './admin-client';

/** Where `npm start` serves the admin API: the default of `--admin`. */
const DEFAULT_ADMIN = 'http://127.0.0.1:8091';

export const MESSAGES_USAGE = `Usage: keyflow messages list [--admin <url>] [--json]
       keyflow messages retry <id> [--admin <url>]
       keyflow messages drop <id> [--admin <url>]

The messages a running runtime parked because their invocation kept failing (the function threw,
its service answered with an error or could not be reached) after the retries of its failure
policy: 'list' shows them with their address, argument and last error; 'retry' delivers one
again (after its address's queued messages), once the function is fixed; 'drop' deletes one
for good. Parked messages are kept in checkpoints until then.

Options:
  --admin <url>         the runtime's admin API (default ${DEFAULT_ADMIN}, as npm start serves it)
  --admin-token <token> the admin API's token, when it asks for one (or KEYFLOW_ADMIN_TOKEN)
  --json                list: print the admin API's JSON instead of text`;

/** A parked message as `GET /messages/parked` describes it. */
interface ParkedView {
  readonly id: number;
  readonly address: string;
  readonly argument: ValueView;
  readonly errorCode?: string;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: string;
}

/** `keyflow messages list|retry|drop …`: returns the exit code. */
export async function messagesCommand(args: readonly string[]): Promise<number> {
  const [action, id] = args;
  const admin = adminUrlOf(args, MESSAGES_USAGE, DEFAULT_ADMIN);
  const token = adminTokenOf(args);
  if (action === 'list') {
    const { messages } = await adminRequest<{ messages: ParkedView[] }>(`${admin}/messages/parked`, 'GET', RuntimeErrorCodes.CLI_USAGE, token);
    if (args.includes('--json')) console.log(JSON.stringify(messages, null, 2));
    else console.log(messages.length === 0 ? 'No parked messages.' : messages.map(formatParked).join('\n\n'));
    return 0;
  }
  if ((action === 'retry' || action === 'drop') && id !== undefined && /^\d+$/.test(id)) {
    const path = action === 'retry' ? `${admin}/messages/parked/${id}/retry` : `${admin}/messages/parked/${id}`;
    const answer = await adminRequest<{ retried?: ParkedView; dropped?: ParkedView }>(path, action === 'retry' ? 'POST' : 'DELETE', RuntimeErrorCodes.ADMIN_NOT_FOUND, token);
    const message = answer.retried ?? answer.dropped;
    console.log(`${action === 'retry' ? 'Delivering again' : 'Dropped'}: parked message ${id} to ${message?.address ?? '?'}.`);
    return 0;
  }
  throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `keyflow messages needs 'list', 'retry <id>' or 'drop <id>' (an id from 'list').\n\n${MESSAGES_USAGE}`);
}

function formatParked(message: ParkedView): string {
  return [
    `#${message.id}  ${message.address}  parked ${message.parkedAt} after ${message.attempts} attempt${message.attempts === 1 ? '' : 's'}`,
    `  argument: ${formatValue(message.argument)}`,
    `  error:    ${message.errorCode ? `${message.errorCode} ` : ''}${message.error}`,
  ].join('\n');
}

function formatValue(view: ValueView): string {
  if (view.encoding === 'bytes') return `${view.typename} (${view.base64.length} base64 characters)`;
  if ('value' in view) return `${JSON.stringify(view.value)} (${view.typename})`;
  return view.typename;
}
