import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';
import { FLINK_USAGE } from './flink-arguments';
import { flinkDownCommand } from './flink-down-command';
import { flinkSavepointCommand } from './flink-savepoint-command';
import { flinkUpCommand } from './flink-up-command';

export { FLINK_USAGE };

/** `keyflow flink <up|savepoint|down>`: returns the exit code. */
export async function flinkCommand(args: readonly string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'up') return flinkUpCommand(rest);
  if (subcommand === 'savepoint') return flinkSavepointCommand(rest);
  if (subcommand === 'down') return flinkDownCommand(rest);
  throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `Unknown 'keyflow flink' command '${subcommand ?? ''}'.\n\n${FLINK_USAGE}`);
}
