import { KeyflowError, toMillis, type Duration } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The options of `keyflow run`. */
export interface RunArguments {
  readonly modules: readonly string[];
  readonly stateDir: string;
  readonly memoryState: boolean;
  readonly checkpointIntervalMs: number;
  /** `file://…`, a folder, or `s3://bucket/prefix`; undefined: `<state-dir>/checkpoints`. */
  readonly checkpointDir: string | undefined;
  readonly fromSavepoint: string | undefined;
  readonly compactionInterval: number | undefined;
  readonly retainCheckpoints: number | undefined;
  readonly adminPort: number | undefined;
}

export const RUN_USAGE = `Usage: keyflow run --module <module.yaml> [options]

Options:
  --module <file>              module.yaml to run (repeatable)
  --state-dir <dir>            where state and ingress logs live (default: .keyflow/state)
  --memory-state               keep state in memory only (nothing survives a restart)
  --checkpoint-interval <dur>  time between checkpoints, e.g. 5s (default 5s; 0 disables)
  --checkpoint-dir <uri>       where checkpoints go: file:///path, a folder, or s3://bucket/prefix
                               (default: <state-dir>/checkpoints; for S3 set KEYFLOW_S3_ENDPOINT
                               for a local server, credentials as for the AWS SDK)
  --from-savepoint <uri>       start from a savepoint that 'keyflow savepoint' printed
  --compaction-interval <n>    write a full snapshot every n checkpoints (default 20)
  --retain-checkpoints <n>     complete checkpoints kept restorable (default 3)
  --port-admin <port>          serve GET /health, GET /metrics, POST /checkpoint on this port
  --help                       show this text`;

/** Parses `keyflow run`'s arguments. Throws `KF_CLI_USAGE` with what was wrong. */
export function parseRunArguments(args: readonly string[]): RunArguments {
  const modules: string[] = [];
  let stateDir = '.keyflow/state';
  let memoryState = false;
  let checkpointIntervalMs = 5_000;
  let checkpointDir: string | undefined;
  let fromSavepoint: string | undefined;
  let compactionInterval: number | undefined;
  let retainCheckpoints: number | undefined;
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
      case '--checkpoint-dir':
        checkpointDir = value();
        break;
      case '--from-savepoint':
        fromSavepoint = value();
        break;
      case '--compaction-interval':
        compactionInterval = positiveInteger(value(), flag);
        break;
      case '--retain-checkpoints':
        retainCheckpoints = positiveInteger(value(), flag);
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
  return { modules, stateDir, memoryState, checkpointIntervalMs, checkpointDir, fromSavepoint, compactionInterval, retainCheckpoints, adminPort };
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usage(`${flag} needs a whole number of at least 1.`);
  return value;
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
