import { mkdir, open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { EgressRecord } from './egress-record';
import { egressRecordToJson } from './egress-record-json';

/**
 * The output file of a file egress: appends one JSON line per record, opened on first use.
 * Failures are `KF_EGRESS_FAILED`, retryable, naming the egress and the file.
 */
export class FileLines {
  #file: FileHandle | undefined;

  constructor(
    readonly egressId: string,
    readonly path: string,
  ) {}

  /** Appends the records, one JSON line each. */
  async append(records: readonly EgressRecord[]): Promise<void> {
    const file = await this.#open();
    const text = records.map((record) => `${JSON.stringify(egressRecordToJson(record))}\n`).join('');
    try {
      await file.appendFile(text, 'utf8');
    } catch (error) {
      throw this.error('append to', error);
    }
  }

  /** Makes what was appended durable. */
  async sync(): Promise<void> {
    await (await this.#open()).sync();
  }

  /** The file's length in bytes; 0 when it does not exist yet. */
  async size(): Promise<number> {
    try {
      return (await stat(this.path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw this.error('stat', error);
    }
  }

  /** Cuts the file back to `size` bytes (the torn tail of a crashed append). */
  async truncate(size: number): Promise<void> {
    await truncate(this.path, size);
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    if (file) {
      await file.sync();
      await file.close();
    }
  }

  /** A `KF_EGRESS_FAILED` error for a failed `operation` on the file (or its companions). */
  error(operation: string, error: unknown): KeyflowError {
    return new KeyflowError(
      RuntimeErrorCodes.EGRESS_FAILED,
      `File egress ${this.egressId} could not ${operation} ${this.path}: ${(error as Error).message}`,
      { cause: error },
    );
  }

  /** Opens (and creates) the file if it is not open yet. */
  async open(): Promise<void> {
    await this.#open();
  }

  async #open(): Promise<FileHandle> {
    if (!this.#file) {
      try {
        await mkdir(dirname(this.path), { recursive: true });
        this.#file = await open(this.path, 'a');
      } catch (error) {
        throw this.error('open', error);
      }
    }
    return this.#file;
  }
}
