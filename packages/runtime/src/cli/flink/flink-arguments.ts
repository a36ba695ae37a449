import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';

/** The default folder of `keyflow flink` (cluster, logs, checkpoints, savepoints, session). */
export const DEFAULT_FLINK_DIR = '.keyflow/flink';

/** The options of `keyflow flink up`. */
export interface FlinkUpArguments {
  /** StateFun module.yaml files, merged in order into the job's module. */
  readonly modules: readonly string[];
  /** A function registry module (exports `functions`) to serve; undefined: use `endpoint` or the module's URLs. */
  readonly functions: string | undefined;
  /** The function service's URL, replacing every HTTP endpoint's `urlPathTemplate`. */
  readonly endpoint: string | undefined;
  /** Kafka bootstrap servers replacing every Kafka address; `local` starts a broker. */
  readonly kafka: string | undefined;
  readonly taskManagers: number;
  readonly slots: number;
  readonly parallelism: number;
  readonly dir: string;
  readonly fromSavepoint: string | undefined;
  readonly checkpointIntervalMs: number;
  /** The topic the answers go to, for the printed hint. */
  readonly answerTopic: string | undefined;
}

export const FLINK_USAGE = `Usage: keyflow flink <up|savepoint|down> [options]

Runs Keyflow functions as remote functions of a local Apache Flink StateFun 3.3.0 cluster
(Flink 1.16.2; one JobManager and N TaskManagers, each its own JVM; jars from Maven Central
on first use, cached in ~/.cache/keyflow).

keyflow flink up --module <module.yaml> [options]
  Starts Kafka (with --kafka local), the function service, the cluster and the StateFun job,
  prints the web UI and how to send a message, restarts TaskManagers that die, and stops
  everything on Ctrl+C or 'keyflow flink down'.
  --module <file>              StateFun module.yaml (repeatable; documents are merged)
  --functions <file>           function registry module to serve (exports 'functions'),
                               e.g. apps/examples/src/generated/functions.generated.ts
  --endpoint <url>             an already running function service, e.g. http://127.0.0.1:8000/statefun
  --kafka <bootstrap|local>    Kafka for the module's Kafka ingresses and egresses; 'local'
                               starts a broker with tools/kafka/kafka.sh
  --taskmanagers <n>           TaskManager processes (default 1)
  --slots <n>                  task slots per TaskManager (default: parallelism / taskmanagers)
  --parallelism <n>            job parallelism (default: taskmanagers x slots, at least 1)
  --from-savepoint <path>      resume from a savepoint that 'keyflow flink savepoint' printed
  --checkpoint-interval <ms>   time between checkpoints in milliseconds (default 2000)
  --answer-topic <topic>       the topic to read answers from, for the printed hint
  --dir <dir>                  cluster folder (default ${DEFAULT_FLINK_DIR})

keyflow flink savepoint [--dir <dir>]
  Stops the job with a savepoint and prints its path; the cluster keeps running.

keyflow flink down [--dir <dir>]
  Stops the job, the cluster, the function service and a local Kafka.`;

/** Parses `keyflow flink up`'s arguments. Throws `KF_CLI_USAGE` with what was wrong. */
export function parseFlinkUpArguments(args: readonly string[]): FlinkUpArguments {
  const modules: string[] = [];
  let functions: string | undefined;
  let endpoint: string | undefined;
  let kafka: string | undefined;
  let taskManagers = 1;
  let slots: number | undefined;
  let parallelism: number | undefined;
  let dir = DEFAULT_FLINK_DIR;
  let fromSavepoint: string | undefined;
  let checkpointIntervalMs = 2_000;
  let answerTopic: string | undefined;
  forEachFlag(args, (flag, value) => {
    switch (flag) {
      case '--module':
        modules.push(value());
        break;
      case '--functions':
        functions = value();
        break;
      case '--endpoint':
        endpoint = value();
        break;
      case '--kafka':
        kafka = value();
        break;
      case '--taskmanagers':
        taskManagers = positiveInteger(value(), flag);
        break;
      case '--slots':
        slots = positiveInteger(value(), flag);
        break;
      case '--parallelism':
        parallelism = positiveInteger(value(), flag);
        break;
      case '--dir':
        dir = value();
        break;
      case '--from-savepoint':
        fromSavepoint = value();
        break;
      case '--checkpoint-interval':
        checkpointIntervalMs = positiveInteger(value(), flag);
        break;
      case '--answer-topic':
        answerTopic = value();
        break;
      default:
        throw usage(`Unknown option ${flag} for 'keyflow flink up'.`);
    }
  });
  if (modules.length === 0) throw usage('--module is required.');
  if (functions !== undefined && endpoint !== undefined) throw usage('Give --functions or --endpoint, not both.');
  const slotsPerTaskManager = slots ?? Math.max(1, Math.ceil((parallelism ?? taskManagers) / taskManagers));
  const jobParallelism = parallelism ?? taskManagers * slotsPerTaskManager;
  if (jobParallelism > taskManagers * slotsPerTaskManager) {
    throw usage(`--parallelism ${jobParallelism} needs ${jobParallelism} task slots, but ${taskManagers} TaskManager(s) x ${slotsPerTaskManager} slot(s) give ${taskManagers * slotsPerTaskManager}; raise --slots or --taskmanagers.`);
  }
  return { modules, functions, endpoint, kafka, taskManagers, slots: slotsPerTaskManager, parallelism: jobParallelism, dir, fromSavepoint, checkpointIntervalMs, answerTopic };
}

/** Parses the `--dir` of `keyflow flink savepoint|down`. */
export function parseFlinkDirArgument(args: readonly string[], command: string): string {
  let dir = DEFAULT_FLINK_DIR;
  forEachFlag(args, (flag, value) => {
    if (flag !== '--dir') throw usage(`Unknown option ${flag} for 'keyflow flink ${command}'.`);
    dir = value();
  });
  return dir;
}

function forEachFlag(args: readonly string[], visit: (flag: string, value: () => string) => void): void {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const equals = arg.indexOf('=');
    const [flag, inline] = equals > 0 && arg.startsWith('--') ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
    visit(flag, () => {
      const next = inline ?? args[++index];
      if (next === undefined || next.startsWith('--')) throw usage(`${flag} needs a value.`);
      return next;
    });
  }
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usage(`${flag} needs a whole number of at least 1.`);
  return value;
}

function usage(message: string): KeyflowError {
  return new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `${message}\n\n${FLINK_USAGE}`);
}
