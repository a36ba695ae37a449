import { appendFile, mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Types } from '@keyflow/sdk';
import {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  encodeKafkaProducerRecord,
  encodeKinesisEgressRecord,
  type PbTypedValue,
} from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { DeliverySemantic } from '../config/module-config';
import { useTempDir } from '../test-support/temp-dir';
import type { EgressRecord } from './egress-record';
import { createFileEgress } from '../module/kinds/file-egress-kind';
import type { FileEgress } from './file-egress';
import type { TransactionalFileEgress } from './transactional-file-egress';

const EGRESS = 'test/out';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function record(value: PbTypedValue): EgressRecord {
  return { egress: EGRESS, value };
}

function builtIn<T>(type: { typename: string; serialize(value: T): Uint8Array }, value: T): EgressRecord {
  return record({ typename: type.typename, hasValue: true, value: type.serialize(value) });
}

function text(value: string): EgressRecord {
  return builtIn(Types.string, value);
}

function fileEgress(path: string, deliverySemantic: 'at-least-once'): FileEgress;
function fileEgress(path: string, deliverySemantic: 'exactly-once'): TransactionalFileEgress;
function fileEgress(path: string, deliverySemantic: DeliverySemantic): FileEgress | TransactionalFileEgress {
  return createFileEgress({ kind: 'file-egress', source: { file: '/test/module.yaml', line: 1 }, id: EGRESS, path, deliverySemantic }) as FileEgress | TransactionalFileEgress;
}

async function lines(path: string): Promise<unknown[]> {
  const content = await readFile(path, 'utf8');
  return content
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

async function values(path: string): Promise<unknown[]> {
  return (await lines(path)).map((line) => (line as { value: unknown }).value);
}

describe('FileEgress', () => {
  const dir = useTempDir('file-egress');
  const out = (): string => join(dir.path, 'nested', 'out.jsonl');

  describe('at-least-once', () => {
    it('appends one JSON line per record: Kafka and Kinesis unpacked, built-ins as values, other bytes as text or base64', async () => {
      const egress = fileEgress(out(), 'at-least-once');
      await egress.write([
        record({
          typename: KAFKA_PRODUCER_RECORD_TYPENAME,
          hasValue: true,
          value: encodeKafkaProducerRecord({ topic: 'greetings', key: 'alice', valueBytes: utf8('hello alice') }),
        }),
        record({
          typename: KINESIS_EGRESS_RECORD_TYPENAME,
          hasValue: true,
          value: encodeKinesisEgressRecord({ stream: 'clicks', partitionKey: 'p-1', valueBytes: Uint8Array.of(0xff, 0x00), explicitHashKey: '' }),
        }),
        text('plain'),
        builtIn(Types.int, -42),
        builtIn(Types.long, 2 ** 40),
        builtIn(Types.bool, true),
        builtIn(Types.double, 1.5),
        builtIn(Types.float, 0.25),
        record({ typename: 'com.example/Order', hasValue: true, value: utf8('{"id":7}') }),
        record({ typename: 'com.example/Blob', hasValue: true, value: Uint8Array.of(0xff, 0xfe, 0x00) }),
      ]);
      await egress.close();

      expect(await lines(out())).toEqual([
        { egress: EGRESS, typename: KAFKA_PRODUCER_RECORD_TYPENAME, topic: 'greetings', key: 'alice', value: 'hello alice' },
        { egress: EGRESS, typename: KINESIS_EGRESS_RECORD_TYPENAME, stream: 'clicks', partitionKey: 'p-1', value: { base64: '/wA=' } },
        { egress: EGRESS, typename: Types.string.typename, value: 'plain' },
        { egress: EGRESS, typename: Types.int.typename, value: -42 },
        { egress: EGRESS, typename: Types.long.typename, value: 2 ** 40 },
        { egress: EGRESS, typename: Types.bool.typename, value: true },
        { egress: EGRESS, typename: Types.double.typename, value: 1.5 },
        { egress: EGRESS, typename: Types.float.typename, value: 0.25 },
        { egress: EGRESS, typename: 'com.example/Order', value: '{"id":7}' },
        { egress: EGRESS, typename: 'com.example/Blob', value: { base64: '//4A' } },
      ]);
    });

    it("writes a Kafka record's headers in order, values as text or { base64 }, and no headers key without them", async () => {
      const egress = fileEgress(out(), 'at-least-once');
      const kafka = (headers?: { key: string; value: Uint8Array }[]): EgressRecord =>
        record({
          typename: KAFKA_PRODUCER_RECORD_TYPENAME,
          hasValue: true,
          value: encodeKafkaProducerRecord({ topic: 't', key: 'k', valueBytes: utf8('v'), ...(headers ? { headers } : {}) }),
        });
      await egress.write([
        kafka([
          { key: 'trace-id', value: utf8('t-1') },
          { key: 'tag', value: Uint8Array.of(0xff, 0x00) },
          { key: 'tag', value: utf8('second') },
        ]),
        kafka(),
      ]);
      await egress.close();

      expect(await lines(out())).toEqual([
        {
          egress: EGRESS,
          typename: KAFKA_PRODUCER_RECORD_TYPENAME,
          topic: 't',
          key: 'k',
          headers: [
            { key: 'trace-id', value: 't-1' },
            { key: 'tag', value: { base64: '/wA=' } },
            { key: 'tag', value: 'second' },
          ],
          value: 'v',
        },
        { egress: EGRESS, typename: KAFKA_PRODUCER_RECORD_TYPENAME, topic: 't', key: 'k', value: 'v' },
      ]);
      expect((await readFile(out(), 'utf8')).split('\n')[1]).not.toContain('headers');
    });

    it('keeps appending, in order, across writes and across instances', async () => {
      const first = fileEgress(out(), 'at-least-once');
      await first.write([text('a'), text('b')]);
      await first.write([text('c')]);
      await first.close();
      const second = fileEgress(out(), 'at-least-once');
      await second.write([text('d')]);
      await second.close();
      expect(await values(out())).toEqual(['a', 'b', 'c', 'd']);
    });

    it('fails with KF_EGRESS_FAILED when the file cannot be opened', async () => {
      await writeFile(join(dir.path, 'not-a-folder'), 'x');
      const egress = fileEgress(join(dir.path, 'not-a-folder', 'out.jsonl'), 'at-least-once');
      await expect(egress.write([text('a')])).rejects.toMatchObject({ code: RuntimeErrorCodes.EGRESS_FAILED, retryable: true });
    });
  });

  describe('exactly-once', () => {
    const marker = (): string => `${out()}.commit.json`;
    const readMarker = async (): Promise<unknown> => JSON.parse(await readFile(marker(), 'utf8')) as unknown;

    it('appends a checkpoint\'s records once and records the checkpoint id and file length in the marker', async () => {
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a'), text('b')]);
      expect(await values(out())).toEqual(['a', 'b']);
      expect(await readMarker()).toEqual({ checkpointId: 1, size: (await stat(out())).size });

      await egress.commit(2, [text('c')]);
      expect(await values(out())).toEqual(['a', 'b', 'c']);
      expect(await readMarker()).toEqual({ checkpointId: 2, size: (await stat(out())).size });
      expect((await readdir(join(dir.path, 'nested'))).sort()).toEqual(['out.jsonl', 'out.jsonl.commit.json']);
      await egress.close();
    });

    it('ignores a checkpoint at or below the marker, also in a new instance after a restart', async () => {
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a')]);
      await egress.commit(2, [text('b')]);
      await egress.commit(2, [text('b')]);
      await egress.commit(1, [text('a')]);
      await egress.close();

      const restarted = fileEgress(out(), 'exactly-once');
      await restarted.commit(2, [text('b')]);
      await restarted.commit(3, [text('c')]);
      await restarted.close();
      expect(await values(out())).toEqual(['a', 'b', 'c']);
    });

    it("does not duplicate the first checkpoint's records after a crash between their append and the first marker", async () => {
      await mkdir(dirname(out()), { recursive: true });
      await writeFile(out(), '{"kept":"from before"}\n');
      // The crash: the append of checkpoint 1 reaches the file, nothing after it happens.
      const probe = await open(join(dir.path, 'probe'), 'w');
      const fileHandle = Object.getPrototypeOf(probe) as { sync(this: unknown): Promise<void> };
      await probe.close();
      const before = (await stat(out())).size;
      const original = fileHandle.sync;
      const sync = jest.spyOn(fileHandle, 'sync').mockImplementation(async function (this: unknown) {
        if ((await stat(out())).size > before) throw new Error('crashed');
        return original.call(this);
      });
      const crashed = fileEgress(out(), 'exactly-once');
      await expect(crashed.commit(1, [text('a')])).rejects.toThrow('crashed');
      sync.mockRestore();
      await crashed.close();
      expect(await lines(out())).toHaveLength(2);

      const restarted = fileEgress(out(), 'exactly-once');
      await restarted.commit(1, [text('a')]);
      await restarted.close();
      expect(await lines(out())).toEqual([{ kept: 'from before' }, expect.objectContaining({ value: 'a' })]);
    });

    it('cuts off the torn tail of a crashed append before appending the checkpoint again', async () => {
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a')]);
      await egress.close();
      await appendFile(out(), '{"egress":"test/out","typ'); // a crash in the middle of checkpoint 2

      const restarted = fileEgress(out(), 'exactly-once');
      await restarted.commit(2, [text('b'), text('c')]);
      await restarted.close();
      expect(await values(out())).toEqual(['a', 'b', 'c']);
      expect(await readMarker()).toEqual({ checkpointId: 2, size: (await stat(out())).size });
    });

    it('does not duplicate records appended whole before a crash that came before the marker was written', async () => {
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a')]);
      await egress.close();
      const content = await readFile(out(), 'utf8');
      await appendFile(out(), `${content.replace('"a"', '"b"')}`); // checkpoint 2 appended, marker not

      const restarted = fileEgress(out(), 'exactly-once');
      await restarted.commit(2, [text('b')]);
      await restarted.close();
      expect(await values(out())).toEqual(['a', 'b']);
    });

    it('advances the marker for a checkpoint without records, leaving the file as it is', async () => {
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a')]);
      const size = (await stat(out())).size;
      await egress.commit(2, []);
      expect(await readMarker()).toEqual({ checkpointId: 2, size });
      expect(await values(out())).toEqual(['a']);
      await egress.close();
    });

    it('keeps what the file held before its first commit', async () => {
      const first = fileEgress(out(), 'at-least-once');
      await first.write([text('before')]);
      await first.close();
      const egress = fileEgress(out(), 'exactly-once');
      await egress.commit(1, [text('a')]);
      await egress.close();
      expect(await values(out())).toEqual(['before', 'a']);
    });
  });
});
