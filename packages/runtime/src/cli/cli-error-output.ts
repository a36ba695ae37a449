import { isKeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The flag that asks `keyflow` for stack traces and debug logs. */
export const VERBOSE_FLAG = '--verbose';

/**
 * True when the user asked for details: `--verbose` among the arguments, or `DEBUG` set to
 * anything but empty, `0` or `false` (the variable many Node tools read).
 */
export function verboseRequested(args: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const debug = env['DEBUG']?.trim() ?? '';
  return args.includes(VERBOSE_FLAG) || (debug !== '' && !/^(0|false|no)$/i.test(debug));
}

/**
 * What `keyflow` prints for an error that stops it. A Keyflow error is its message (`[KF_…]`
 * and what to do); anything else is one `KF_CLI_FAILED` line. With `verbose`, the stack of the
 * error and of each of its causes follows.
 *
 * @example
 * console.error(formatCliError(error, verboseRequested(process.argv)));
 */
export function formatCliError(error: unknown, verbose: boolean): string {
  const summary = isKeyflowError(error)
    ? error.message
    : `[${RuntimeErrorCodes.CLI_FAILED}] ${error instanceof Error ? error.message : String(error)}` +
      (verbose ? '' : ` (run again with ${VERBOSE_FLAG}, or DEBUG=1, for the stack trace)`);
  if (!verbose) return summary;
  const stacks: string[] = [];
  for (let cause: unknown = error, depth = 0; cause !== undefined && depth < 10; depth++) {
    stacks.push(`${depth === 0 ? '' : 'Caused by: '}${cause instanceof Error ? (cause.stack ?? cause.message) : JSON.stringify(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return `${summary}\n\n${stacks.join('\n')}`;
}
