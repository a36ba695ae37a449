import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LogFields, Logger } from '@keyflow/sdk';

/** How many trailing lines of standard error an error message quotes. */
export const STDERR_TAIL_LINES = 20;

/**
 * The output of a child process, line by line, into the logger: standard output at info,
 * standard error at warn. Keeps the last lines of standard error for error messages.
 */
export class ProcessOutput {
  private readonly tail: string[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly fields: LogFields,
  ) {}

  /** Follows the streams of one process run. */
  follow(stdout: Readable | null, stderr: Readable | null): void {
    if (stdout) createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => this.stdout(line));
    if (stderr) createInterface({ input: stderr, crlfDelay: Infinity }).on('line', (line) => this.stderr(line));
  }

  /** The last lines of standard error, oldest first, or '' when there were none. */
  stderrTail(): string {
    return this.tail.join('\n');
  }

  /** Forgets the kept standard error lines (before a new run). */
  clear(): void {
    this.tail.length = 0;
  }

  private stdout(line: string): void {
    this.logger.info(line, { ...this.fields, stream: 'stdout' });
  }

  private stderr(line: string): void {
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
    this.logger.warn(line, { ...this.fields, stream: 'stderr' });
  }
}
