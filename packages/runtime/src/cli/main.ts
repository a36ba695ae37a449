#!/usr/bin/env node
// The `keyflow` command line.
import { isKeyflowError } from '@keyflow/sdk';
import { RUN_USAGE } from './cli-arguments';
import { FLINK_USAGE, flinkCommand } from './flink/flink-command';
import { runCommand } from './run-command';
import { SAVEPOINT_USAGE, savepointCommand } from './savepoint-command';

const USAGE = `Usage: keyflow <command> [options]

Commands:
  run         run the functions, ingresses and egresses of a module.yaml
  savepoint   ask a running runtime for a savepoint
  flink       run the functions on a local Apache Flink StateFun cluster (up, savepoint, down)

${RUN_USAGE}

${SAVEPOINT_USAGE}

${FLINK_USAGE}`;

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === 'help' || rest.includes('--help')) {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'run') return runCommand(rest);
  if (command === 'savepoint') return savepointCommand(rest);
  if (command === 'flink') return flinkCommand(rest);
  console.error(`Unknown command '${command}'.\n\n${USAGE}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isKeyflowError(error) ? error.message : error);
    process.exit(1);
  },
);
