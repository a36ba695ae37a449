import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, createLogger, isKeyflowError, silentLogger, type FunctionClass, type Logger } from '@keyflow/sdk';
import type { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage';
import { FolderCheckpointStorage } from '../../src/checkpoint/folder-storage';
import { S3CheckpointStorage } from '../../src/checkpoint/s3-storage';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';
import { CheckpointCounter, CheckpointCounterV2 } from '../fixtures/checkpoint-functions';
import { LocalS3 } from '../support/s3-server';

// Checkpoints beyond the state folder: restore after losing the machine's state, S3 going
// away during a checkpoint, a damaged checkpoint, incremental size, savepoints across versions.

interface Started {
  readonly runtime: KeyflowRuntime;
  readonly out: CapturingEgress;
}

async function start(
  stateDir: string,
  storage: CheckpointStorage | undefined,
  extra: { functions?: FunctionClass[]; fromSavepoint?: string; logger?: Logger; compactionInterval?: number; intervalMs?: number } = {},
): Promise<Started> {
  const out = new CapturingEgress('ck/out');
  const runtime = await KeyflowRuntime.start({
    module: emptyModule(),
    stateDir,
    functions: extra.functions ?? [CheckpointCounter],
    egresses: [out],
    logger: extra.logger ?? silentLogger,
    checkpointIntervalMs: extra.intervalMs ?? 0,
    compactionInterval: extra.compactionInterval ?? 3,
    ...(storage ? { checkpointStorage: storage } : {}),
    ...(extra.fromSavepoint === undefined ? {} : { fromSavepoint: extra.fromSavepoint }),
  });
  return { runtime, out };
}

async function sendWords(runtime: KeyflowRuntime, ids: readonly string[], words: readonly string[]): Promise<void> {
  for (const word of words) {
    for (const id of ids) {
      runtime.send({
        target: { namespace: 'ck', type: 'counter', id },
        argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(word) },
        caller: undefined,
      });
    }
  }
  await runtime.whenIdle();
}

/** Sends one word to `id` and returns the report it produced. */
async function lastReport(started: Started, id: string, word: string): Promise<string> {
  const before = started.out.written.length;
  await sendWords(started.runtime, [id], [word]);
  for (let turn = 0; turn < 100 && started.out.written.length === before; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const lines = started.out.written.map((record) => Types.string.deserialize(record.value.value));
  return lines.filter((line) => line.includes(`${id}:`)).at(-1) ?? '';
}

describe('checkpoint storage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-ckpt-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('restores from a folder after the state folder is lost, through bases and deltas', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'checkpoints'));
    const first = await start(join(dir, 'state-a'), storage);
    for (let round = 0; round < 7; round++) {
      await sendWords(first.runtime, ['x', 'y'], [`w${round}`]);
      await first.runtime.checkpoint();
    }
    await first.runtime.stop();
    const names = await storage.list('');
    expect(names.some((name) => name.startsWith('bases/'))).toBe(true);
    expect(names.some((name) => name.startsWith('deltas/'))).toBe(true);

    const second = await start(join(dir, 'state-b'), storage);
    expect(await lastReport(second, 'x', 'again')).toBe('x:8');
    await second.runtime.stop();
  });

  it('restores from S3 (s3rver) after the state folder is lost', async () => {
    const s3 = await LocalS3.start();
    try {
      const storage = new S3CheckpointStorage(s3.bucket, 'app/', { endpoint: s3.endpoint, credentials: s3.credentials });
      const first = await start(join(dir, 'state-a'), storage);
      await sendWords(first.runtime, ['x'], ['a', 'b', 'c']);
      await first.runtime.stop();
      expect((await storage.list('deltas/')).length).toBeGreaterThan(0);

      const second = await start(join(dir, 'state-b'), storage);
      expect(await lastReport(second, 'x', 'd')).toBe('x:4');
      await second.runtime.stop();
      storage.close();
    } finally {
      await s3.stop();
    }
  });

  it('fails a checkpoint with a clear log line while S3 is unreachable, keeps processing, and succeeds once S3 is back', async () => {
    const s3 = await LocalS3.start();
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    const until = async (condition: () => boolean): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    };
    try {
      const storage = new S3CheckpointStorage(s3.bucket, '', { endpoint: s3.endpoint, credentials: s3.credentials, requestTimeoutMs: 2_000 });
      const first = await start(join(dir, 'state-a'), storage, { logger, intervalMs: 100 });
      await sendWords(first.runtime, ['x'], ['a']);
      await until(() => first.runtime.stats().lastCheckpointId >= 1);

      await s3.pause();
      await sendWords(first.runtime, ['x'], ['b']);
      // Periodic checkpoints fail with a log line that says what and where.
      await until(() => lines.some((line) => line.includes('checkpoint failed')));
      const logged = lines.find((line) => line.includes('checkpoint failed')) ?? '';
      expect(logged).toContain('KF_CHECKPOINT_FAILED');
      expect(logged).toContain(`s3://${s3.bucket}/`);
      const failed = await first.runtime.checkpoint().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isKeyflowError(failed, 'KF_CHECKPOINT_FAILED')).toBe(true);
      // Processing goes on while checkpoints fail.
      expect(await lastReport(first, 'x', 'c')).toBe('x:3');

      await s3.resume();
      const before = first.runtime.stats().lastCheckpointId;
      await until(() => first.runtime.stats().lastCheckpointId > before);
      expect(first.runtime.stats().lastCheckpointId).toBeGreaterThan(before);
      await first.runtime.stop();

      // The checkpoints after the failed ones carry their writes too.
      const second = await start(join(dir, 'state-b'), storage);
      expect(await lastReport(second, 'x', 'd')).toBe('x:4');
      await second.runtime.stop();
      storage.close();
    } finally {
      await s3.stop();
    }
  });

  it('falls back to the previous complete checkpoint when the newest is damaged', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'checkpoints'));
    const first = await start(join(dir, 'state-a'), storage, { compactionInterval: 100 });
    await sendWords(first.runtime, ['x'], ['a']);
    await first.runtime.checkpoint();
    await sendWords(first.runtime, ['x'], ['b']);
    await first.runtime.checkpoint();
    await first.runtime.stop({ drainTimeoutMs: 1_000 });

    const deltas = (await readdir(join(dir, 'checkpoints', 'deltas'))).filter((name) => name.endsWith('.bin')).sort();
    const newest = join(dir, 'checkpoints', 'deltas', deltas.at(-1) as string);
    await truncate(newest, 10);
    const lines: string[] = [];
    const second = await start(join(dir, 'state-b'), storage, { logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }) });
    expect(lines.join('')).toContain('damaged');
    expect(await lastReport(second, 'x', 'c')).toBe('x:3');
    await second.runtime.stop();

    // A corrupted (same length, other bytes) file is caught by its checksum the same way.
    await writeFile(newest, Buffer.alloc(10, 1));
    const third = await start(join(dir, 'state-c'), storage);
    expect(await lastReport(third, 'x', 'c')).not.toBe('');
    await third.runtime.stop();
  });

  it('writes deltas whose size follows the change rate, not the state size', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'checkpoints'));
    const first = await start(join(dir, 'state-a'), storage, { compactionInterval: 100 });
    const ids = Array.from({ length: 2_000 }, (_, index) => `id-${index}`);
    await sendWords(first.runtime, ids, ['a']);
    const large = await first.runtime.checkpoint();
    await sendWords(first.runtime, ['id-1'], ['b']);
    const small = await first.runtime.checkpoint();
    await first.runtime.stop();
    expect(large.addresses).toBe(2_000);
    expect(small.addresses).toBe(1);
    expect(small.bytes * 50).toBeLessThan(large.bytes);
  });

  it('refuses --from-savepoint into a state folder that holds state; restores into an empty one, whose restart with the same flag resumes', async () => {
    const first = await start(join(dir, 'state-a'), new FolderCheckpointStorage(join(dir, 'checkpoints-a')));
    await sendWords(first.runtime, ['x'], ['a', 'b']);
    const savepoint = await first.runtime.savepoint();
    await sendWords(first.runtime, ['x'], ['c']);
    await first.runtime.stop();

    const into = (stateDir: string, checkpoints: string): Promise<Started> =>
      start(join(dir, stateDir), new FolderCheckpointStorage(join(dir, checkpoints)), { fromSavepoint: savepoint.uri });
    const refused = await into('state-a', 'checkpoints-a').then(
      async (started) => {
        await started.runtime.stop();
        return 'started';
      },
      (error: unknown) => (isKeyflowError(error) ? error.code : String(error)),
    );
    expect(refused).toBe('KF_SAVEPOINT_STATE_DIR_NOT_EMPTY');

    const fresh = await into('state-b', 'checkpoints-b');
    expect(await lastReport(fresh, 'x', 'd')).toBe('x:3');
    await fresh.runtime.stop();
    // The same command line again (a restarted pod): the folder's lineage began at that
    // savepoint, so it resumes from its own checkpoints instead of going back to the savepoint.
    const restarted = await into('state-b', 'checkpoints-b');
    expect(await lastReport(restarted, 'x', 'e')).toBe('x:4');
    await restarted.runtime.stop();
  });

  it('restores a savepoint into a new version of the function that keeps typenames and state names', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'checkpoints'));
    const first = await start(join(dir, 'state-a'), storage);
    await sendWords(first.runtime, ['x', 'y'], ['a', 'b']);
    const progress: number[] = [];
    const savepoint = await first.runtime.savepoint((step) => progress.push(step.entries));
    await first.runtime.stop();
    expect(savepoint.uri).toMatch(/^file:\/\/.*savepoints\/savepoint-/);
    expect(savepoint.entries).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(savepoint.entries);

    const upgraded = await start(join(dir, 'state-b'), new FolderCheckpointStorage(join(dir, 'checkpoints-b')), {
      functions: [CheckpointCounterV2],
      fromSavepoint: savepoint.uri,
    });
    expect(await lastReport(upgraded, 'x', 'c')).toBe('v2 x:3:a,b,c');
    await upgraded.runtime.stop();
  });
});
