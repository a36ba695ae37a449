import { appendFile, open, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { useTempDir } from '../test-support/temp-dir';
import { IngressLog, type LogRecord } from './ingress-log';

const HEADER_BYTES = 16;

async function readAll(log: IngressLog, fromSeq = 1): Promise<[number, string][]> {
  const records: [number, string][] = [];
  for await (const record of log.read(fromSeq)) records.push([record.seq, record.payload.toString('utf8')]);
  return records;
}

async function appendAll(log: IngressLog, payloads: readonly string[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const payload of payloads) seqs.push(await log.append(Buffer.from(payload)));
  return seqs;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

const segmentName = (firstSeq: number): string => `${String(firstSeq).padStart(20, '0')}.log`;

describe('IngressLog', () => {
  const dir = useTempDir('ingress-log');

  it('fails the appends of a write the disk cut short, instead of acknowledging a torn record that hides later ones', async () => {
    const log = await IngressLog.open(dir.path);
    expect(await appendAll(log, ['first'])).toEqual([1]);
    // A disk with less space left than the write needs: part of it is written, then ENOSPC.
    const probe = await open(join(dir.path, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<{ bytesWritten: number }> };
    await probe.close();
    const realWrite = fileHandle.write;
    const write = jest
      .spyOn(fileHandle, 'write')
      .mockImplementationOnce(function (this: unknown, buffer: unknown, offset: unknown, length: unknown) {
        const from = typeof offset === 'number' ? offset : 0;
        const size = typeof length === 'number' ? length : (buffer as Buffer).length - from;
        return realWrite.call(this, buffer, from, Math.floor(size / 2));
      })
      .mockImplementationOnce(() => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
    try {
      await expect(log.append(Buffer.from('cut short'))).rejects.toMatchObject({ code: RuntimeErrorCodes.INGRESS_LOG_FAILED });
    } finally {
      write.mockRestore();
    }
    // Space again: the next record follows the first one, and a reopen (a restart) reads both.
    expect(await appendAll(log, ['after'])).toEqual([2]);
    await log.close();
    const reopened = await IngressLog.open(dir.path);
    expect(await readAll(reopened)).toEqual([
      [1, 'first'],
      [2, 'after'],
    ]);
    await reopened.close();
  });

  it('appends, reads from a sequence number, and continues the numbering after a reopen', async () => {
    const log = await IngressLog.open(dir.path);
    expect(log.nextSeq).toBe(1);
    expect(await appendAll(log, ['a', 'b', 'c'])).toEqual([1, 2, 3]);
    expect(await readAll(log)).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(await readAll(log, 3)).toEqual([[3, 'c']]);
    expect(await readAll(log, 4)).toEqual([]);
    await log.close();

    const reopened = await IngressLog.open(dir.path);
    expect(reopened.nextSeq).toBe(4);
    expect(await reopened.append(Buffer.from('d'))).toBe(4);
    expect(await readAll(reopened, 2)).toEqual([
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    await reopened.close();
    await expect(reopened.append(Buffer.from('late'))).rejects.toMatchObject({ code: RuntimeErrorCodes.INGRESS_LOG_FAILED });
  });

  it('commits concurrent appends as a group: one write and sync, resolved in order', async () => {
    const log = await IngressLog.open(dir.path);
    const probe = await open(join(dir.path, 'probe'), 'w');
    const fileHandlePrototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = jest.spyOn(fileHandlePrototype, 'datasync');
    try {
      const resolvedOrder: number[] = [];
      const payloads = Array.from({ length: 200 }, (_, index) => `record-${index}`);
      const appends = payloads.map((payload) =>
        log.append(Buffer.from(payload)).then((seq) => {
          resolvedOrder.push(seq);
          return seq;
        }),
      );
      const seqs = await Promise.all(appends);
      const expected = Array.from({ length: 200 }, (_, index) => index + 1);
      expect(seqs).toEqual(expected);
      expect(resolvedOrder).toEqual(expected);
      expect(datasync).toHaveBeenCalledTimes(1);
      expect((await readAll(log)).map(([, payload]) => payload)).toEqual(payloads);
    } finally {
      datasync.mockRestore();
      await log.close();
    }
  });

  it('cuts off garbage after the last whole record when opened', async () => {
    const log = await IngressLog.open(dir.path);
    await appendAll(log, ['one', 'two']);
    await log.close();
    const [file] = await segmentFiles(dir.path);
    const path = join(dir.path, file!);
    const validBytes = (await stat(path)).size;
    await appendFile(path, Buffer.from([1, 2, 3, 4, 5, 6, 7])); // half a header

    const reopened = await IngressLog.open(dir.path);
    expect((await stat(path)).size).toBe(validBytes);
    expect(reopened.nextSeq).toBe(3);
    expect(await reopened.append(Buffer.from('three'))).toBe(3);
    expect(await readAll(reopened)).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    await reopened.close();
  });

  it('drops a record torn in the middle of its payload, and reuses its sequence number', async () => {
    const log = await IngressLog.open(dir.path);
    await appendAll(log, ['one', 'two', 'three-is-longer']);
    await log.close();
    const [file] = await segmentFiles(dir.path);
    const path = join(dir.path, file!);
    const size = (await stat(path)).size;
    await truncate(path, size - 5);

    const reopened = await IngressLog.open(dir.path);
    expect(await readAll(reopened)).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(await reopened.append(Buffer.from('again'))).toBe(3);
    expect(await readAll(reopened, 3)).toEqual([[3, 'again']]);
    await reopened.close();
  });

  it('stops at a record whose CRC does not match and drops everything after it', async () => {
    const log = await IngressLog.open(dir.path);
    await appendAll(log, ['first', 'second', 'third']);
    await log.close();
    const [file] = await segmentFiles(dir.path);
    const path = join(dir.path, file!);
    const bytes = await readFile(path);
    const secondPayload = HEADER_BYTES + 'first'.length + HEADER_BYTES;
    bytes[secondPayload] = (bytes[secondPayload] as number) ^ 0xff;
    await writeFile(path, bytes);

    const reopened = await IngressLog.open(dir.path);
    expect(await readAll(reopened)).toEqual([[1, 'first']]);
    expect(reopened.nextSeq).toBe(2);
    expect((await stat(path)).size).toBe(HEADER_BYTES + 'first'.length);
    await reopened.close();
  });

  it('rotates segments at the configured size and truncates whole segments only', async () => {
    // 50-byte payloads make 66-byte frames: with 100-byte segments, two records per segment.
    const log = await IngressLog.open(dir.path, { segmentBytes: 100 });
    const payloads = Array.from({ length: 7 }, (_, index) => `${index + 1}`.padEnd(50, '.'));
    await appendAll(log, payloads);
    expect(await segmentFiles(dir.path)).toEqual([segmentName(1), segmentName(3), segmentName(5), segmentName(7)]);
    expect((await readAll(log, 4)).map(([seq]) => seq)).toEqual([4, 5, 6, 7]);

    await log.truncateBefore(4); // segment 3 still holds record 4: only segment 1 goes
    expect(await segmentFiles(dir.path)).toEqual([segmentName(3), segmentName(5), segmentName(7)]);
    expect((await readAll(log)).map(([seq]) => seq)).toEqual([3, 4, 5, 6, 7]);

    await log.truncateBefore(5);
    expect(await segmentFiles(dir.path)).toEqual([segmentName(5), segmentName(7)]);

    await log.truncateBefore(1_000); // the segment being written is never deleted
    expect(await segmentFiles(dir.path)).toEqual([segmentName(7)]);
    expect(await log.append(Buffer.from('8'.padEnd(50, '.')))).toBe(8);
    await log.close();

    const reopened = await IngressLog.open(dir.path, { segmentBytes: 100 });
    expect(reopened.nextSeq).toBe(9);
    expect((await readAll(reopened)).map(([seq]) => seq)).toEqual([7, 8]);
    await reopened.close();
  });

  it('reads across segments in order', async () => {
    const log = await IngressLog.open(dir.path, { segmentBytes: 64 });
    const payloads = Array.from({ length: 9 }, (_, index) => `p${index + 1}`.padEnd(30, '-'));
    await appendAll(log, payloads);
    expect((await segmentFiles(dir.path)).length).toBeGreaterThan(2);
    const records: LogRecord[] = [];
    for await (const record of log.read(1)) records.push(record);
    expect(records.map((record) => record.payload.toString())).toEqual(payloads);
    await log.close();
  });
});
