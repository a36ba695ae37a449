import { createLogger, type Logger } from '@keyflow/sdk';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A logger that keeps every line (debug and up), parsed, for assertions. */
export function capturedLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}
