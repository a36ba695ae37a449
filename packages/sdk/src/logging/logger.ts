/** Structured fields attached to a log line, e.g. `{ address: 'example/greeter/alice' }`. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The one logger interface of Keyflow. Library code logs through it, never `console`. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

class JsonLogger implements Logger {
  constructor(
    private readonly threshold: number,
    private readonly write: (line: string) => void,
    private readonly fields: LogFields,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.threshold, this.write, { ...this.fields, ...fields });
  }

  private log(level: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields | undefined): void {
    if (SEVERITY[level] < this.threshold) return;
    const line = { time: new Date().toISOString(), level, msg, ...this.fields, ...fields };
    this.write(`${JSON.stringify(line, errorReplacer)}\n`);
  }
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped. Default: `KEYFLOW_LOG_LEVEL` or `info`. */
  readonly level?: LogLevel;
  /** Where lines go. Default: standard error. */
  readonly write?: (line: string) => void;
  /** Fields on every line. */
  readonly fields?: LogFields;
}

/**
 * A logger that writes one JSON object per line: `{"time":…,"level":"info","msg":…,…fields}`.
 *
 * @example
 * const logger = createLogger({ level: 'debug' }).child({ component: 'http' });
 * logger.info('listening', { port: 8000 });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLevel(process.env['KEYFLOW_LOG_LEVEL']) ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return new JsonLogger(SEVERITY[level], write, options.fields ?? {});
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in SEVERITY ? (value as LogLevel) : undefined;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}
