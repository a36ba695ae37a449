import { mkdir, open, readdir, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** One record of the log. */
export interface LogRecord {
  readonly seq: number;
  readonly payload: Buffer;
}

const HEADER_BYTES = 16; // u32 length, u32 crc32, f64 seq
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_SUFFIX = '.log';

/** Options of {@link IngressLog.open}. */
export interface IngressLogOptions {
  /** Size at which a segment is closed and a new one begun. Default 64 MiB. */
  readonly segmentBytes?: number;
}

interface Segment {
  readonly firstSeq: number;
  readonly path: string;
}

interface PendingAppend {
  readonly frame: Buffer;
  readonly seq: number;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A durable append-only log in segment files. `append` resolves only once the record is on
 * disk (fdatasync); appends that arrive while one sync runs are written and synced together
 * (group commit). Each record carries its sequence number and a CRC32, so a torn tail left
 * by a crash is detected and cut off when the log is opened.
 *
 * A write that fails (a full disk) fails its appends and cuts the segment back to its last
 * whole record; the log stays open and the next append tries again, so it works again once
 * there is space. {@link writeFailure} says why the last write failed until one succeeds.
 */
export class IngressLog {
  #segments: Segment[];
  #file: FileHandle;
  #fileSize: number;
  #nextSeq: number;
  #queue: PendingAppend[] = [];
  #flushing = false;
  #closed = false;
  #writeFailure: KeyflowError | undefined;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    segments: Segment[],
    file: FileHandle,
    fileSize: number,
    nextSeq: number,
  ) {
    this.#segments = segments;
    this.#file = file;
    this.#fileSize = fileSize;
    this.#nextSeq = nextSeq;
  }

  /** Opens the log in `dir`, repairing a torn tail. */
  static async open(dir: string, options: IngressLogOptions = {}): Promise<IngressLog> {
    try {
      await mkdir(dir, { recursive: true });
      const segments = await listSegments(dir);
      let nextSeq = 1;
      let lastSize = 0;
      const last = segments.at(-1);
      if (last) {
        const scan = await scanSegment(last.path);
        if (scan.validBytes < scan.totalBytes) await truncate(last.path, scan.validBytes);
        nextSeq = scan.lastSeq === undefined ? last.firstSeq : scan.lastSeq + 1;
        lastSize = scan.validBytes;
      } else {
        segments.push({ firstSeq: 1, path: segmentPath(dir, 1) });
      }
      const current = segments.at(-1) as Segment;
      const file = await open(current.path, 'a');
      return new IngressLog(dir, options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, segments, file, lastSize, nextSeq);
    } catch (error) {
      throw logError(`open the ingress log in ${dir}`, error);
    }
  }

  /** Why the last write failed, until a write succeeds again (e.g. the disk is full). */
  get writeFailure(): KeyflowError | undefined {
    return this.#writeFailure;
  }

  /** The sequence number the next append gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /**
   * Makes the next record's number at least `seq` (after restoring a savepoint onto a fresh
   * folder, numbering must continue past the restored position, or replay would skip records).
   */
  async skipTo(seq: number): Promise<void> {
    if (seq <= this.#nextSeq) return;
    while (this.#flushing) await new Promise((resolve) => setImmediate(resolve));
    this.#nextSeq = seq;
    await this.#rotate();
  }

  /** Appends a record; resolves with its sequence number once it is durable. */
  append(payload: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(logError('append', new Error('the log is closed')));
    const seq = this.#nextSeq++;
    const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeDoubleLE(seq, 8);
    frame.set(payload, HEADER_BYTES);
    frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
    return new Promise((resolve, reject) => {
      this.#queue.push({ frame, seq, resolve, reject });
      if (!this.#flushing) setImmediate(() => void this.#flush());
      this.#flushing = true;
    });
  }

  /** Every record with a sequence number of at least `fromSeq`, in order. */
  async *read(fromSeq: number): AsyncIterable<LogRecord> {
    for (let index = 0; index < this.#segments.length; index++) {
      const segment = this.#segments[index] as Segment;
      const following = this.#segments[index + 1];
      if (following && following.firstSeq <= fromSeq) continue;
      for (const record of (await scanSegment(segment.path)).records) {
        if (record.seq >= fromSeq) yield record;
      }
    }
  }

  /** Deletes whole segments whose records all precede `seq`. */
  async truncateBefore(seq: number): Promise<void> {
    while (this.#segments.length > 1) {
      const second = this.#segments[1] as Segment;
      if (second.firstSeq > seq) return;
      const first = this.#segments.shift() as Segment;
      await rm(first.path, { force: true });
    }
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await new Promise((resolve) => setImmediate(resolve));
    await this.#file.close();
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const bytes = Buffer.concat(batch.map((append) => append.frame));
        await writeAll(this.#file, bytes);
        await this.#file.datasync();
        this.#fileSize += bytes.length;
        this.#writeFailure = undefined;
        for (const append of batch) append.resolve(append.seq);
        if (this.#fileSize >= this.segmentBytes) await this.#rotate();
      } catch (error) {
        const failure = logError(`append to the ingress log in ${this.dir}`, error);
        this.#writeFailure = failure;
        // Cut what the failed write left (a partial record would hide every later one from
        // replay); shrinking needs no space. If even that fails, the log closes for good.
        const cut = await this.#file.truncate(this.#fileSize).then(
          () => true,
          () => false,
        );
        const failed = [...batch, ...this.#queue];
        this.#queue = [];
        for (const append of failed) append.reject(failure);
        if (cut) {
          // None of them was written: their numbers go to the next appends.
          this.#nextSeq = Math.min(...failed.map((append) => append.seq));
        } else {
          this.#closed = true;
        }
      }
    }
    this.#flushing = false;
  }

  async #rotate(): Promise<void> {
    await this.#file.close();
    // Appends queued during the flush already have their numbers and go into the new segment.
    const firstSeq = this.#queue[0]?.seq ?? this.#nextSeq;
    const segment = { firstSeq, path: segmentPath(this.dir, firstSeq) };
    this.#segments.push(segment);
    this.#file = await open(segment.path, 'a');
    this.#fileSize = 0;
  }
}

/**
 * Writes all of `bytes`: a write may write only part of them (a disk with less space left than
 * they need) without failing, and the rest then fails with the disk's error. Counting a short
 * write as done would acknowledge records that are not in the log and leave a torn one in the
 * middle of it, which hides every later record from replay.
 */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
    if (bytesWritten <= 0) throw new Error(`wrote ${written} of ${bytes.length} bytes and no more`);
    written += bytesWritten;
  }
}

async function listSegments(dir: string): Promise<Segment[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(SEGMENT_SUFFIX));
  return names
    .map((name) => ({ firstSeq: Number(name.slice(0, -SEGMENT_SUFFIX.length)), path: join(dir, name) }))
    .filter((segment) => Number.isSafeInteger(segment.firstSeq))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, `${firstSeq.toString().padStart(20, '0')}${SEGMENT_SUFFIX}`);
}

/** Reads a segment's valid records; stops at the first torn or corrupt one. */
async function scanSegment(path: string): Promise<{
  records: LogRecord[];
  validBytes: number;
  totalBytes: number;
  lastSeq: number | undefined;
}> {
  const bytes = await readFile(path);
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    const end = offset + HEADER_BYTES + length;
    if (end > bytes.length) break;
    if (crc32(bytes.subarray(offset + 8, end)) !== bytes.readUInt32LE(offset + 4)) break;
    records.push({ seq: bytes.readDoubleLE(offset + 8), payload: bytes.subarray(offset + HEADER_BYTES, end) });
    offset = end;
  }
  return { records, validBytes: offset, totalBytes: bytes.length, lastSeq: records.at(-1)?.seq };
}

function logError(operation: string, error: unknown): KeyflowError {
  return new KeyflowError(
    RuntimeErrorCodes.INGRESS_LOG_FAILED,
    `Could not ${operation}: ${(error as Error).message}`,
    { cause: error },
  );
}
