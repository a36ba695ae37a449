import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { AddressPage, AddressView } from '../inspect/address-inspector';
import { adminRequest, adminTokenOf, adminUrlOf, optionValue } from './admin-client';
import { formatAddress, formatPage } from './address-printer';

/** Where `npm start` serves the admin API: the default of `--admin`. */
const DEFAULT_ADMIN = 'http://127.0.0.1:8091';

export const STATE_USAGE = `Usage: keyflow state get <namespace>/<type>/<id> [--admin <url>] [--json]
       keyflow state list <namespace>/<type> [--admin <url>] [--after <id>] [--limit <n>] [--json]

Shows the state of a running runtime, as its web console does: 'get' one address's state values
decoded by type (built-in types and JSON as values, registered protobuf types as JSON, else
base64 bytes) with their expiry, its pending delayed messages and its schedules; 'list' the ids
of a function type's addresses that have state, a page at a time.

Options:
  --admin <url>         the runtime's admin API (default ${DEFAULT_ADMIN}, as npm start serves it)
  --admin-token <token> the admin API's token, when it asks for one (or KEYFLOW_ADMIN_TOKEN)
  --after <id>          list: start after this id (the 'More:' line gives it)
  --limit <n>           list: ids per page (default 50, at most 500)
  --json                print the admin API's JSON instead of text`;

/** `keyflow state get|list …`: returns the exit code. */
export async function stateCommand(args: readonly string[]): Promise<number> {
  const [action, target] = args;
  const admin = adminUrlOf(args, STATE_USAGE, DEFAULT_ADMIN);
  const token = adminTokenOf(args);
  const json = args.includes('--json');
  if (action === 'get' && target !== undefined) {
    const address = parseAddress(target);
    const query = `type=${encodeURIComponent(address.functionType)}&id=${encodeURIComponent(address.id)}`;
    const view = await adminRequest<AddressView>(`${admin}/api/address?${query}`, 'GET', RuntimeErrorCodes.CLI_USAGE, token);
    console.log(json ? JSON.stringify(view, null, 2) : formatAddress(view));
    return 0;
  }
  if (action === 'list' && target !== undefined) {
    checkFunctionType(target);
    const after = optionValue(args, '--after');
    const limit = optionValue(args, '--limit');
    const query = `type=${encodeURIComponent(target)}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}${limit === undefined ? '' : `&limit=${encodeURIComponent(limit)}`}`;
    const page = await adminRequest<AddressPage>(`${admin}/api/addresses?${query}`, 'GET', RuntimeErrorCodes.CLI_USAGE, token);
    const next = (from: string): string => `keyflow state list ${target} --admin ${admin} --after ${JSON.stringify(from)}${limit === undefined ? '' : ` --limit ${limit}`}`;
    console.log(json ? JSON.stringify(page, null, 2) : formatPage(page, next));
    return 0;
  }
  throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `keyflow state needs 'get <namespace>/<type>/<id>' or 'list <namespace>/<type>'.\n\n${STATE_USAGE}`);
}

/** `<namespace>/<type>/<id>`: the id is everything after the second slash (it may hold slashes). */
function parseAddress(text: string): { functionType: string; id: string } {
  const first = text.indexOf('/');
  const second = first < 0 ? -1 : text.indexOf('/', first + 1);
  if (first <= 0 || second <= first + 1 || second === text.length - 1) {
    throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `'${text}' is not an address: give it as <namespace>/<type>/<id>, e.g. example/greeter/Alice.\n\n${STATE_USAGE}`);
  }
  return { functionType: text.slice(0, second), id: text.slice(second + 1) };
}

function checkFunctionType(text: string): void {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1 || text.indexOf('/', slash + 1) >= 0) {
    throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `'${text}' is not a function type: give it as <namespace>/<type>, e.g. example/greeter.\n\n${STATE_USAGE}`);
  }
}
