import { KeyflowError, toMillis, type Duration } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { RuntimeDefaults } from '../config/runtime-defaults';
import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from '../config/failure-policy';
import { isLoopbackHost } from '../admin/admin-auth';
import { MIN_TOKEN_LENGTH } from '../http-server/bearer-tokens';
import type { TracingOptions } from '../tracing/runtime-tracing';

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
  /** Where the admin API listens; default 127.0.0.1. */
  readonly adminHost: string;
  /** The bearer token admin requests must carry; required when `adminHost` is not a loopback address. */
  readonly adminToken: string | undefined;
  /** Take the checkpoint location over from a runtime known to be gone (its lease not yet expired). */
  readonly takeOver: boolean;
  /** Egress records held for slow sinks at which input pauses; undefined: the runtime's default. */
  readonly maxStagedEgressRecords: number | undefined;
  /** The same bound in bytes; undefined: the runtime's default. */
  readonly maxStagedEgressBytes: number | undefined;
  /** What to do with batches that keep failing; undefined: the runtime's default (retry 1m, then park). */
  readonly failurePolicy: FailurePolicy | undefined;
  /** Export traces over OTLP; undefined: tracing off. */
  readonly tracing: TracingOptions | undefined;
}

/** Checkpoints more often than this cost more than they protect; 0 still turns them off. */
export const MIN_CHECKPOINT_INTERVAL_MS = 100;

export const RUN_USAGE = `Usage: keyflow run --module <module.yaml> [options]

Options:
  --module <file>              module.yaml to run (repeatable)
  --state-dir <dir>            where state and ingress logs live (default: .keyflow/state)
  --memory-state               keep live state in memory instead of RocksDB. Checkpoints are still
                               written: a restart restores the newest complete one from
                               --checkpoint-dir, and the HTTP ingress replays what it accepted
                               since; other changes after that checkpoint are lost
  --checkpoint-interval <dur>  time between checkpoints, with a unit: 500ms, 5s, 1m (default 5s;
                               at least ${MIN_CHECKPOINT_INTERVAL_MS}ms; 0 turns periodic checkpoints off)
  --checkpoint-dir <uri>       where checkpoints go: file:///path, a folder, or s3://bucket/prefix
                               (default: <state-dir>/checkpoints; for S3 set KEYFLOW_S3_ENDPOINT
                               for a local server, credentials as for the AWS SDK)
  --from-savepoint <uri>       start from a savepoint that 'keyflow savepoint' printed
  --compaction-interval <n>    write a full snapshot every n checkpoints (default 20)
  --retain-checkpoints <n>     complete checkpoints kept restorable (default 3)
  --port-admin <port>          serve the admin API on 127.0.0.1:<port> (0: a free port):
                                 GET  /health           200 {"status":"ok"}; 503 once processing failed
                                 GET  /metrics          Prometheus metrics (text exposition format)
                                 GET  /metrics.json     the runtime's counters as JSON
                                 POST /checkpoint       take a checkpoint; answers when it is durable
                                 POST /savepoint        start a savepoint; answers 202 with its job
                                 GET  /savepoints/<id>  a savepoint job's progress, then its URI
                                 GET  /                 the web console (its data under /api/)
                                 GET  /messages/parked  the parked messages (keyflow messages)
  --admin-host <host>          listen for the admin API on this address instead of 127.0.0.1; any
                               other than a loopback address needs --admin-token
  --admin-token <token>        admin requests must send 'Authorization: Bearer <token>' (at least
                               ${MIN_TOKEN_LENGTH} characters; prefer KEYFLOW_ADMIN_TOKEN: flags show in ps)
  --take-over                  take the checkpoint location over from a runtime that is gone
                               (a replaced pod) without waiting for its lease to expire (30 s)
  --max-staged-egress-records <n>
                               egress records held for slow egresses (not yet written; exactly-once:
                               not yet committed) at which ingresses pause and processing waits until
                               they drain (default ${RuntimeDefaults.MAX_STAGED_EGRESS_RECORDS})
  --max-staged-egress-bytes <size>
                               the same bound in bytes of record values: 1048576, 512KiB, 64MiB, 1GiB
                               (default ${RuntimeDefaults.MAX_STAGED_EGRESS_BYTES / 1024 / 1024}MiB)
  --retry-failures-for <dur>   send a batch that fails (the function throws, its service answers
                               with an error or is down) again for this long: 30s, 5m (default 1m)
  --on-failure <park|stop>     then park the failing message and go on with the address's next
                               one (park, the default: see 'keyflow messages'), or stop the runtime
  --otlp-traces <url>          export OpenTelemetry traces of messages (ingress, each invocation,
                               each egress record) to this OTLP/HTTP endpoint, protobuf, e.g.
                               http://127.0.0.1:4318/v1/traces (default: no traces)
  --trace-sample-ratio <r>     the share of new traces recorded, 0 to 1 (default 1); a request
                               with a traceparent keeps its own decision
  --verbose                    print errors with their stack traces, and debug logs
  --help                       show this text

Environment (read for options not given as flags; a flag wins over its variable):
  KEYFLOW_MODULE               --module (several files separated by commas)
  KEYFLOW_STATE_DIR            --state-dir
  KEYFLOW_MEMORY_STATE         --memory-state (true or false)
  KEYFLOW_CHECKPOINT_INTERVAL  --checkpoint-interval
  KEYFLOW_CHECKPOINT_DIR       --checkpoint-dir
  KEYFLOW_FROM_SAVEPOINT       --from-savepoint
  KEYFLOW_COMPACTION_INTERVAL  --compaction-interval
  KEYFLOW_RETAIN_CHECKPOINTS   --retain-checkpoints
  KEYFLOW_PORT_ADMIN           --port-admin
  KEYFLOW_ADMIN_HOST           --admin-host
  KEYFLOW_ADMIN_TOKEN          --admin-token
  KEYFLOW_TAKE_OVER            --take-over (true or false)
  KEYFLOW_MAX_STAGED_EGRESS_RECORDS  --max-staged-egress-records
  KEYFLOW_MAX_STAGED_EGRESS_BYTES    --max-staged-egress-bytes
  KEYFLOW_RETRY_FAILURES_FOR   --retry-failures-for
  KEYFLOW_ON_FAILURE           --on-failure
  KEYFLOW_OTLP_TRACES          --otlp-traces
  KEYFLOW_TRACE_SAMPLE_RATIO   --trace-sample-ratio
  KEYFLOW_LOG_LEVEL            debug, info (default), warn or error
  DEBUG                        any value but 0 or false: as --verbose`;

type Flag =
  | '--module'
  | '--state-dir'
  | '--memory-state'
  | '--checkpoint-interval'
  | '--checkpoint-dir'
  | '--from-savepoint'
  | '--compaction-interval'
  | '--retain-checkpoints'
  | '--port-admin'
  | '--admin-host'
  | '--admin-token'
  | '--take-over'
  | '--max-staged-egress-records'
  | '--max-staged-egress-bytes'
  | '--retry-failures-for'
  | '--on-failure'
  | '--otlp-traces'
  | '--trace-sample-ratio';

/** The environment variable of each flag. */
export const RUN_ENVIRONMENT: Readonly<Record<Flag, string>> = {
  '--module': 'KEYFLOW_MODULE',
  '--state-dir': 'KEYFLOW_STATE_DIR',
  '--memory-state': 'KEYFLOW_MEMORY_STATE',
  '--checkpoint-interval': 'KEYFLOW_CHECKPOINT_INTERVAL',
  '--checkpoint-dir': 'KEYFLOW_CHECKPOINT_DIR',
  '--from-savepoint': 'KEYFLOW_FROM_SAVEPOINT',
  '--compaction-interval': 'KEYFLOW_COMPACTION_INTERVAL',
  '--retain-checkpoints': 'KEYFLOW_RETAIN_CHECKPOINTS',
  '--port-admin': 'KEYFLOW_PORT_ADMIN',
  '--admin-host': 'KEYFLOW_ADMIN_HOST',
  '--admin-token': 'KEYFLOW_ADMIN_TOKEN',
  '--take-over': 'KEYFLOW_TAKE_OVER',
  '--max-staged-egress-records': 'KEYFLOW_MAX_STAGED_EGRESS_RECORDS',
  '--max-staged-egress-bytes': 'KEYFLOW_MAX_STAGED_EGRESS_BYTES',
  '--retry-failures-for': 'KEYFLOW_RETRY_FAILURES_FOR',
  '--on-failure': 'KEYFLOW_ON_FAILURE',
  '--otlp-traces': 'KEYFLOW_OTLP_TRACES',
  '--trace-sample-ratio': 'KEYFLOW_TRACE_SAMPLE_RATIO',
};

/** A raw setting and where it came from, for error messages. */
interface Setting {
  readonly text: string;
  readonly source: string;
}

/**
 * Parses `keyflow run`'s arguments, falling back to the `KEYFLOW_*` variables of `env` for
 * options not given as flags. Throws `KF_CLI_USAGE` with what was wrong and where.
 */
export function parseRunArguments(args: readonly string[], env: NodeJS.ProcessEnv = process.env): RunArguments {
  const flags = new Map<Flag, Setting[]>();
  for (let index = 0; index < args.length; index++) {
    const [name, inline] = splitFlag(args[index] as string);
    if (!isFlag(name)) throw usage(`Unknown option ${name}.`);
    let text: string;
    if (name === '--memory-state' || name === '--take-over') {
      text = inline ?? 'true';
    } else {
      const next = inline ?? args[++index];
      if (next === undefined || next.startsWith('--')) throw usage(`${name} needs a value.`);
      text = next;
    }
    flags.set(name, [...(flags.get(name) ?? []), { text, source: name }]);
  }
  const settings = (flag: Flag): Setting[] => {
    const given = flags.get(flag);
    if (given) return given;
    const variable = RUN_ENVIRONMENT[flag];
    const text = env[variable];
    if (text === undefined || text.trim() === '') return [];
    const values = flag === '--module' ? text.split(',').map((part) => part.trim()).filter((part) => part !== '') : [text.trim()];
    return values.map((value) => ({ text: value, source: variable }));
  };
  const last = (flag: Flag): Setting | undefined => settings(flag).at(-1);
  const optional = <T>(flag: Flag, parse: (setting: Setting) => T): T | undefined => {
    const setting = last(flag);
    return setting === undefined ? undefined : parse(setting);
  };

  const modules = settings('--module').map((setting) => setting.text);
  if (modules.length === 0) throw usage(`--module is required (or set ${RUN_ENVIRONMENT['--module']}).`);
  const adminPort = optional('--port-admin', port);
  const adminHost = last('--admin-host');
  const adminToken = last('--admin-token');
  checkAdminAccess(adminPort, adminHost, adminToken);
  return {
    modules,
    stateDir: last('--state-dir')?.text ?? '.keyflow/state',
    memoryState: optional('--memory-state', parseBoolean) ?? false,
    checkpointIntervalMs: optional('--checkpoint-interval', parseCheckpointInterval) ?? RuntimeDefaults.CHECKPOINT_INTERVAL_MS,
    checkpointDir: last('--checkpoint-dir')?.text,
    fromSavepoint: last('--from-savepoint')?.text,
    compactionInterval: optional('--compaction-interval', positiveInteger),
    retainCheckpoints: optional('--retain-checkpoints', positiveInteger),
    adminPort,
    adminHost: adminHost?.text ?? '127.0.0.1',
    adminToken: adminToken?.text,
    takeOver: optional('--take-over', parseBoolean) ?? false,
    maxStagedEgressRecords: optional('--max-staged-egress-records', positiveInteger),
    maxStagedEgressBytes: optional('--max-staged-egress-bytes', byteSize),
    failurePolicy: failurePolicyOf(last('--retry-failures-for'), last('--on-failure')),
    tracing: tracingOf(last('--otlp-traces'), last('--trace-sample-ratio')),
  };
}

/** Tracing as the two options set it; undefined (off) without an endpoint. */
function tracingOf(endpoint: Setting | undefined, ratio: Setting | undefined): TracingOptions | undefined {
  if (endpoint === undefined) {
    if (ratio !== undefined) throw usage(`${ratio.source} is set but traces are off: give --otlp-traces <url> too.`);
    return undefined;
  }
  if (!/^https?:\/\/\S+$/.test(endpoint.text)) throw usage(`${endpoint.source} is '${endpoint.text}'; give the collector's OTLP/HTTP URL, e.g. http://127.0.0.1:4318/v1/traces.`);
  if (ratio === undefined) return { otlpEndpoint: endpoint.text };
  const sampleRatio = Number(ratio.text);
  if (ratio.text.trim() === '' || !(sampleRatio >= 0 && sampleRatio <= 1)) throw usage(`${ratio.source} is '${ratio.text}'; give a number from 0 to 1, e.g. 0.01.`);
  return { otlpEndpoint: endpoint.text, sampleRatio };
}

/** The admin API beyond this machine only with a token, and a token only that is long enough. */
function checkAdminAccess(adminPort: number | undefined, host: Setting | undefined, token: Setting | undefined): void {
  if (adminPort === undefined && (host !== undefined || token !== undefined)) {
    throw usage(`${(host ?? token)?.source ?? '--admin-host'} is set but the admin API is not on: give --port-admin too.`);
  }
  if (token !== undefined && token.text.length < MIN_TOKEN_LENGTH) {
    throw new KeyflowError(
      RuntimeErrorCodes.ADMIN_TOKEN_REQUIRED,
      `${token.source} is ${token.text.length} characters long; give at least ${MIN_TOKEN_LENGTH} (e.g. the output of 'openssl rand -hex 24').`,
    );
  }
  if (host !== undefined && !isLoopbackHost(host.text) && token === undefined) {
    throw new KeyflowError(
      RuntimeErrorCodes.ADMIN_TOKEN_REQUIRED,
      `${host.source} is '${host.text}', which other machines can reach: the admin API checkpoints, takes savepoints and shows all state, ` +
        'so it needs a token there. Set KEYFLOW_ADMIN_TOKEN (or --admin-token), and send it as Authorization: Bearer <token>.',
    );
  }
}

/** The failure policy the two options give, over the runtime's default; undefined when neither is set. */
function failurePolicyOf(retryFor: Setting | undefined, then: Setting | undefined): FailurePolicy | undefined {
  if (retryFor === undefined && then === undefined) return undefined;
  let retryForMs = DEFAULT_FAILURE_POLICY.retryForMs;
  if (retryFor !== undefined) {
    try {
      retryForMs = retryFor.text === '0' ? 0 : toMillis(retryFor.text as Duration, retryFor.source);
    } catch {
      throw usage(`${retryFor.source} is '${retryFor.text}'; give a duration with a unit: 30s, 5m (or 0 to give up at the first failure).`);
    }
  }
  if (then !== undefined && then.text !== 'park' && then.text !== 'stop') throw usage(`${then.source} is '${then.text}'; give park or stop.`);
  return { retryForMs, then: (then?.text as FailurePolicy['then'] | undefined) ?? DEFAULT_FAILURE_POLICY.then };
}

function isFlag(name: string): name is Flag {
  return Object.prototype.hasOwnProperty.call(RUN_ENVIRONMENT, name);
}

function parseBoolean({ text, source }: Setting): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw usage(`${source} is '${text}'; give true or false.`);
}

function parseCheckpointInterval({ text, source }: Setting): number {
  if (text === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(text)) throw usage(`${source} is '${text}' without a unit; write it with one, e.g. ${text}ms or ${text}s.`);
  let millis: number;
  try {
    millis = toMillis(text as Duration, source);
  } catch {
    throw usage(`${source} is '${text}'; give a duration with a unit: 500ms, 5s, 1m, 1h (or 0 to turn periodic checkpoints off).`);
  }
  if (millis > 0 && millis < MIN_CHECKPOINT_INTERVAL_MS) {
    throw usage(`${source} is '${text}', below the minimum of ${MIN_CHECKPOINT_INTERVAL_MS}ms; give ${MIN_CHECKPOINT_INTERVAL_MS}ms or more (or 0 to turn periodic checkpoints off).`);
  }
  return millis;
}

function positiveInteger({ text, source }: Setting): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw usage(`${source} is '${text}'; give a whole number of at least 1.`);
  return value;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

function byteSize({ text, source }: Setting): number {
  const match = /^(\d+)(KiB|MiB|GiB)?$/.exec(text);
  const value = match ? Number(match[1]) * (BYTE_UNITS[match[2] ?? ''] ?? 1) : 0;
  if (value < 1) throw usage(`${source} is '${text}'; give a size of at least 1 byte: a whole number of bytes, or with KiB, MiB or GiB (e.g. 64MiB).`);
  return value;
}

function port({ text, source }: Setting): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw usage(`${source} is '${text}'; give a port number from 0 to 65535.`);
  return value;
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals > 0 && arg.startsWith('--') ? [arg.slice(0, equals), arg.slice(equals + 1)] : [arg, undefined];
}

function usage(message: string): KeyflowError {
  return new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `${message}\n\n${RUN_USAGE}`);
}
