#!/usr/bin/env node
// The `keyflow` command line.
import { RUN_USAGE } from './cli-arguments';
import { formatCliError, VERBOSE_FLAG, verboseRequested } from './cli-error-output';
import { FLINK_USAGE, flinkCommand } from './flink/flink-command';
import { MESSAGES_USAGE, messagesCommand } from './messages-command';
import { runCommand } from './run-command';
import { SAVEPOINT_USAGE, savepointCommand } from './savepoint-command';
import { STATE_USAGE, stateCommand } from './state-command';

const USAGE = `Usage: keyflow <command> [options]

Commands:
  run         run the functions, ingresses and egresses of a module.yaml
  savepoint   ask a running runtime for a savepoint
  state       show an address's state, or list a function type's addresses, of a running runtime
  messages    list, retry or drop the messages a running runtime parked after their invocation kept failing
  flink       run the functions on a local Apache Flink StateFun cluster (up, savepoint, down)

${RUN_USAGE}

${SAVEPOINT_USAGE}

${STATE_USAGE}

${MESSAGES_USAGE}

${FLINK_USAGE}`;

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === 'help' || rest.includes('--help')) {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'run') return runCommand(rest);
  if (command === 'savepoint') return savepointCommand(rest);
  if (command === 'state') return stateCommand(rest);
  if (command === 'messages') return messagesCommand(rest);
  if (command === 'flink') return flinkCommand(rest);
  console.error(`Unknown command '${command}'.\n\n${USAGE}`);
  return 1;
}

const args = process.argv.slice(2);
const verbose = verboseRequested(args);
if (verbose) process.env['KEYFLOW_LOG_LEVEL'] ??= 'debug';
// The AWS SDK warns on every start under Node 20 that later versions will need Node 22: noise
// for a user of S3 checkpoints today (set the variable to 'false' to see it).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

main(args.filter((arg) => arg !== VERBOSE_FLAG)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(formatCliError(error, verbose));
    process.exit(1);
  },
);
