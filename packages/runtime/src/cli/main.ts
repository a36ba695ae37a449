#!/usr/bin/env node
// The `keyflow` command line.
import { createRequire } from 'node:module';
import { isKeyflowError } from '@keyflow/sdk';
import type { RuntimeExtension } from '../runtime/runtime-extension';
import { RUN_USAGE } from './cli-arguments';
import { runCommand } from './run-command';
import { SAVEPOINT_USAGE, savepointCommand } from './savepoint-command';

const USAGE = `Usage: keyflow <command> [options]

Commands:
  run         run the functions, ingresses and egresses of a module.yaml
  savepoint   ask a running runtime for a savepoint

${RUN_USAGE}

${SAVEPOINT_USAGE}`;

// Extensions are optional packages, found at run time when installed.
const requireOptional = createRequire(__filename);

/** Packages that extend the runtime when installed next to it (e.g. @keyflow/connectors). */
function loadExtensions(): RuntimeExtension[] {
  const extensions: RuntimeExtension[] = [];
  for (const name of ['@keyflow/connectors']) {
    let exported: { keyflowExtension?: RuntimeExtension };
    try {
      exported = requireOptional(name) as { keyflowExtension?: RuntimeExtension };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    if (exported.keyflowExtension) extensions.push(exported.keyflowExtension);
  }
  return extensions;
}

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === 'help' || rest.includes('--help')) {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === 'run') return runCommand(rest, loadExtensions());
  if (command === 'savepoint') return savepointCommand(rest);
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
