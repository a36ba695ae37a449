import { KeyflowError, toMillis, type Duration } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The options of `keyflow run`. */
export interface RunArguments {
  readonly modules: readonly string[];
  readonly stateDir: string;
  readonly memoryState: boolean;
  readonly checkpointIntervalMs: number;
  readonly adminPort: number | undefined;
}

export const RUN_USAGE = `Usage: keyflow run --module <module.yaml> [options]

Options:
  --module <file>              module.yaml to run (repeatable)
  --state-dir <dir>            where state and ingress logs live (default: .keyflow/state)
  --memory-state               keep state in memory only (nothing survives a restart)
  --checkpoint-interval <dur>  time between checkpoints, e.g. 5s (default 5s; 0 disables)
  --port-admin <port>          serve GET /health, GET /metrics, POST /checkpoint on this port
  --help                       show this text`;

/** Parses `keyflow run`'s arguments. Throws `KF_CLI_USAGE` with what was wrong. */
export function parseRunArguments(args: readonly string[]): RunArguments {
  const modules: string[] = [];
  let stateDir = '.keyflow/state';
  let memoryState = false;
  let checkpointIntervalMs = 5_000;
  let adminPort: number | undefined;
  for (let index = 0; index < args.length; index++) {
    const [flag, inline] = splitFlag(args[index] as string);
    const value = (): string => {
      const next = inline ?? args[++index];
      if (next === undefined || next.startsWith('--')) throw usage(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case '--module':
        modules.push(value());
        break;
      case '--state-dir':
        stateDir = value();
        break;
      case '--memory-state':
        memoryState = true;
        break;
      case '--checkpoint-interval':
        checkpointIntervalMs = toMillis(parseDuration(value()), '--checkpoint-interval');
        break;
      case '--port-admin': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usage('--port-admin needs a port number from 0 to 65535.');
        adminPort = port;
        break;
      }
      default:
        throw usage(`Unknown option ${flag}.`);
    }
  }
  if (modules.length === 0) throw usage('--module is required.');
  return { modules, stateDir, memoryState, checkpointIntervalMs, adminPort };
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals > 0 && arg.startsWith('--') ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
}

function parseDuration(text: string): Duration {
  return (/^\d+(\.\d+)?$/.test(text) ? Number(text) : text) as Duration;
}

function usage(message: string): KeyflowError {
  return new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `${message}\n\n${RUN_USAGE}`);
}
