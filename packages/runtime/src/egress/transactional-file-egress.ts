import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileEgressConfig } from '../config/module-config';
import { writeFileAtomically } from '../files/atomic-file';
import type { EgressRecord } from './egress-record';
import { FileLines } from './file-lines';
import type { TransactionalEgressSink } from './transactional-egress-sink';

/** What the commit marker beside an exactly-once file says: the file's length after a checkpoint. */
interface CommitMarker {
  readonly checkpointId: number;
  readonly size: number;
}

/**
 * `io.keyflow.file.v1/egress` with `exactly-once`: the records of a checkpoint are appended only
 * once it is durable, and a marker file beside the output (`<path>.commit.json`, replaced
 * atomically) records the checkpoint id and the file length after it. A checkpoint at or below
 * the marker is skipped; bytes past the marker's length are the torn tail of a crashed append
 * and are cut off before appending again.
 */
export class TransactionalFileEgress implements TransactionalEgressSink {
  readonly id: string;
  readonly deliverySemantic = 'exactly-once' as const;
  readonly #lines: FileLines;
  readonly #markerPath: string;
  #marker: CommitMarker | undefined;

  constructor(config: FileEgressConfig) {
    this.id = config.id;
    this.#lines = new FileLines(config.id, config.path);
    this.#markerPath = `${config.path}.commit.json`;
  }

  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    const marker = await this.#readMarker();
    if (checkpointId <= marker.checkpointId) return;
    if ((await this.#lines.size()) > marker.size) await this.#lines.truncate(marker.size);
    await this.#lines.open();
    if (records.length > 0) {
      await this.#lines.append(records);
      await this.#lines.sync();
    }
    const next: CommitMarker = { checkpointId, size: await this.#lines.size() };
    await writeFileAtomically(this.#markerPath, JSON.stringify(next));
    this.#marker = next;
  }

  async close(): Promise<void> {
    await this.#lines.close();
  }

  async #readMarker(): Promise<CommitMarker> {
    if (this.#marker) return this.#marker;
    try {
      this.#marker = JSON.parse(await readFile(this.#markerPath, 'utf8')) as CommitMarker;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.#lines.error('read the commit marker of', error);
      // Written before the first append: without it, a crash between the first checkpoint's
      // append and its marker would leave those records counted as there before, and the
      // checkpoint, delivered again, would append them twice.
      const initial: CommitMarker = { checkpointId: 0, size: await this.#lines.size() };
      try {
        await mkdir(dirname(this.#markerPath), { recursive: true });
        await writeFileAtomically(this.#markerPath, JSON.stringify(initial));
      } catch (writeError) {
        throw this.#lines.error('write the commit marker of', writeError);
      }
      this.#marker = initial;
    }
    return this.#marker;
  }
}
