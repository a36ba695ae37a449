import { KeyflowError, type ErrorCode } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The `--admin <url>` (or `--admin=<url>`) of `args`, without a trailing slash; `fallback` when absent. */
export function adminUrlOf(args: readonly string[], usage: string, fallback?: string): string {
  const value = optionValue(args, '--admin') ?? fallback;
  if (value === undefined || value.startsWith('--')) {
    throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `--admin is required.\n\n${usage}`);
  }
  return value.replace(/\/+$/, '');
}

/** The admin token to send: `--admin-token`, else `KEYFLOW_ADMIN_TOKEN`, else none. */
export function adminTokenOf(args: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  return optionValue(args, '--admin-token') ?? (env['KEYFLOW_ADMIN_TOKEN'] || undefined);
}

/** The value of `--name <value>` or `--name=<value>` in `args`, if given. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
  if (inline !== undefined) return inline;
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/**
 * Calls the admin API and returns its JSON; a failed answer throws with `failureCode` and the
 * API's own message. `token` (when given) is sent as `Authorization: Bearer <token>`.
 */
export async function adminRequest<T>(url: string, method: 'GET' | 'POST' | 'DELETE', failureCode: ErrorCode, token?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.CLI_USAGE,
      `Could not reach the admin API at ${url} (${(error as Error).message}); is the runtime running with --port-admin?`,
    );
  }
  const body = (await response.json()) as T & { message?: string };
  if (response.status === 401) {
    throw new KeyflowError(RuntimeErrorCodes.ADMIN_UNAUTHORIZED, body.message ?? `${url} asks for the admin token: give --admin-token or set KEYFLOW_ADMIN_TOKEN.`);
  }
  if (!response.ok) throw new KeyflowError(failureCode, body.message ?? `${url} answered ${response.status}`);
  return body;
}
