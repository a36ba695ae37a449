import { mkdir, open, readFile, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { writeFileAtomically } from '../files/atomic-file';
import type { DeliverySemantic, FileEgressConfig } from '../config/module-config';
import type { EgressRecord } from './egress-record';
import { egressRecordToJson } from './egress-record-json';
import type { EgressSink } from './egress-sink';

/** What the commit marker beside an exactly-once file says: the file's length after a checkpoint. */
interface CommitMarker {
  readonly checkpointId: number;
  readonly size: number;
}

/**
 * `io.keyflow.file.v1/egress`: appends one JSON line per record.
 *
 * Exactly-once: the records of a checkpoint are appended only once it is durable, and a marker
 * file beside the output (`<path>.commit.json`, replaced atomically) records the checkpoint id
 * and the file length after it. A checkpoint at or below the marker is skipped; bytes past the
 * marker's length are the torn tail of a crashed append and are cut off before appending again.
 */
export class FileEgress implements EgressSink {
  readonly id: string;
  readonly deliverySemantic: DeliverySemantic;
  readonly #path: string;
  readonly #markerPath: string;
  #file: FileHandle | undefined;
  #marker: CommitMarker | undefined;

  constructor(config: FileEgressConfig) {
    this.id = config.id;
    this.deliverySemantic = config.deliverySemantic;
    this.#path = config.path;
    this.#markerPath = `${config.path}.commit.json`;
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    const file = await this.#open();
    await this.#append(file, records);
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    const marker = await this.#readMarker();
    if (checkpointId <= marker.checkpointId) return;
    const size = await this.#sizeOfFile();
    if (size > marker.size) await truncate(this.#path, marker.size);
    const file = await this.#open();
    if (records.length > 0) {
      await this.#append(file, records);
      await file.sync();
    }
    const next: CommitMarker = { checkpointId, size: await this.#sizeOfFile() };
    await writeFileAtomically(this.#markerPath, JSON.stringify(next));
    this.#marker = next;
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    if (file) {
      await file.sync();
      await file.close();
    }
  }

  async #open(): Promise<FileHandle> {
    if (!this.#file) {
      try {
        await mkdir(dirname(this.#path), { recursive: true });
        this.#file = await open(this.#path, 'a');
      } catch (error) {
        throw this.#error('open', error);
      }
    }
    return this.#file;
  }

  async #append(file: FileHandle, records: readonly EgressRecord[]): Promise<void> {
    const text = records.map((record) => `${JSON.stringify(egressRecordToJson(record))}\n`).join('');
    try {
      await file.appendFile(text, 'utf8');
    } catch (error) {
      throw this.#error('append to', error);
    }
  }

  async #readMarker(): Promise<CommitMarker> {
    if (this.#marker) return this.#marker;
    try {
      this.#marker = JSON.parse(await readFile(this.#markerPath, 'utf8')) as CommitMarker;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.#error('read the commit marker of', error);
      // Written before the first append: without it, a crash between the first checkpoint's
      // append and its marker would leave those records counted as there before, and the
      // checkpoint, delivered again, would append them twice.
      const initial: CommitMarker = { checkpointId: 0, size: await this.#sizeOfFile() };
      try {
        await mkdir(dirname(this.#markerPath), { recursive: true });
        await writeFileAtomically(this.#markerPath, JSON.stringify(initial));
      } catch (writeError) {
        throw this.#error('write the commit marker of', writeError);
      }
      this.#marker = initial;
    }
    return this.#marker;
  }

  async #sizeOfFile(): Promise<number> {
    try {
      return (await stat(this.#path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw this.#error('stat', error);
    }
  }

  #error(operation: string, error: unknown): KeyflowError {
    return new KeyflowError(
      RuntimeErrorCodes.EGRESS_FAILED,
      `File egress ${this.id} could not ${operation} ${this.#path}: ${(error as Error).message}`,
      { cause: error, retryable: true },
    );
  }
}
