// A real JSON logger whose lines are kept in memory, parsed, for assertions.

import { createLogger, type Logger } from '@keyflow/sdk';

/** One parsed log line. */
export type LogRecord = Readonly<Record<string, unknown>> & { level: string; msg: string };

/** A debug-level logger and the records it wrote so far. */
export function captureLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => records.push(JSON.parse(line) as LogRecord) });
  return { logger, records };
}
