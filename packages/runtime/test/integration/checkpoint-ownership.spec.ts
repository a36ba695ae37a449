import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isKeyflowError, silentLogger } from '@keyflow/sdk';
import { CheckpointErrorCodes } from '../../src/checkpoint/checkpoint-error-codes';
import { CheckpointLease } from '../../src/checkpoint/checkpoint-lease';
import { RuntimeErrorCodes } from '../../src/errors/runtime-error-codes';
import type { CheckpointStorage } from '../../src/checkpoint/checkpoint-storage';
import { FolderCheckpointStorage } from '../../src/checkpoint/folder-storage';
import { S3CheckpointStorage } from '../../src/checkpoint/s3-storage';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { RuntimeOwnership } from '../../src/runtime/runtime-ownership';
import { emptyModule } from '../../src/test-support/empty-module';
import { CheckpointCounter } from '../fixtures/checkpoint-functions';
import { LocalS3 } from '../support/s3-server';

// One owner per checkpoint lineage: a second runtime on a checkpoint location (a folder or an
// S3 prefix on a real s3rver) or on a state folder is refused with a clear code; a runtime that
// died (kill -9) is replaced at once by a restart on its own state folder, by another runtime
// after its lease expired, or with takeOver; a runtime that was taken over stops writing.

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', 'fixtures');
const TSX_REQUIRE = ['--require', require.resolve('tsx/cjs')];

/** The error's code, and its cause's (a failed checkpoint carries why it failed). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (!isKeyflowError(error)) return String(error);
    return isKeyflowError(error.cause) ? `${error.code} <- ${error.cause.code}` : error.code;
  }
}

describe('checkpoint ownership', () => {
  let dir: string;
  let s3: LocalS3;
  const cleanup: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    s3 = await LocalS3.start();
  });
  afterAll(async () => {
    await s3.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-owner-'));
  });
  afterEach(async () => {
    for (const undo of cleanup.splice(0).reverse()) await undo().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const locations: [string, () => { storage: CheckpointStorage; uri: string }][] = [
    ['a folder', () => ({ storage: new FolderCheckpointStorage(join(dir, 'checkpoints')), uri: join(dir, 'checkpoints') })],
    [
      'S3 (s3rver)',
      () => {
        const prefix = `app-${Math.random().toString(36).slice(2, 8)}`;
        return {
          storage: new S3CheckpointStorage(s3.bucket, `${prefix}/`, { endpoint: s3.endpoint, credentials: s3.credentials }),
          uri: `s3://${s3.bucket}/${prefix}`,
        };
      },
    ],
  ];

  async function startRuntime(stateDir: string, storage: CheckpointStorage | undefined, extra: { memory?: boolean; takeOver?: boolean } = {}): Promise<KeyflowRuntime> {
    const runtime = await KeyflowRuntime.start({
      module: emptyModule(),
      stateDir,
      functions: [CheckpointCounter],
      logger: silentLogger,
      checkpointIntervalMs: 0,
      ...(storage ? { checkpointStorage: storage } : {}),
      ...(extra.memory === true ? { stateBackend: 'memory' as const } : {}),
      ...(extra.takeOver === true ? { takeOver: true } : {}),
    });
    cleanup.push(() => runtime.stop());
    return runtime;
  }

  /** A child process that owns `stateDir` and `uri` until it is killed. */
  async function holder(stateDir: string, uri: string, ttlMs: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--conditions=@keyflow/source', ...TSX_REQUIRE, join(FIXTURES, 'hold-ownership.ts'), stateDir, uri, String(ttlMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KEYFLOW_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
      if (line === 'owned') return child;
    }
    throw new Error('the holder exited before it owned the location');
  }

  async function killHard(child: ChildProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  describe.each(locations)('on %s', (_name, location) => {
    it('refuses a second runtime with another state folder, and lets it in once the first stopped', async () => {
      const { storage } = location();
      const first = await startRuntime(join(dir, 'state-a'), storage);
      expect(await codeOf(startRuntime(join(dir, 'state-b'), storage))).toBe(CheckpointErrorCodes.LOCATION_OWNED);
      await first.checkpoint(); // the owner goes on writing
      await first.stop();
      const second = await startRuntime(join(dir, 'state-b'), storage);
      expect((await second.checkpoint()).checkpointId).toBeGreaterThan(0);
    });

    it('with takeOver, replaces a live owner, which then stops writing with KF_CHECKPOINT_LEASE_LOST', async () => {
      const { storage } = location();
      const first = await startRuntime(join(dir, 'state-a'), storage);
      const failures: string[] = [];
      first.onFailure((error) => failures.push(isKeyflowError(error) ? error.code : String(error)));
      const second = await startRuntime(join(dir, 'state-b'), storage, { takeOver: true });
      expect(await codeOf(first.checkpoint())).toBe(`${CheckpointErrorCodes.FAILED} <- ${CheckpointErrorCodes.LEASE_LOST}`);
      for (let turn = 0; turn < 100 && failures.length === 0; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failures).toEqual([CheckpointErrorCodes.LEASE_LOST]);
      expect(await codeOf(second.checkpoint())).toBe('no error');
    });

    it('after kill -9 of the owner: its own restart takes over at once, another runtime after the lease expired or with takeOver', async () => {
      const { storage, uri } = location();
      const ttlMs = 1_500;
      let child = await holder(join(dir, 'state-a'), uri, ttlMs);
      await killHard(child);
      // The same state folder: the restart of the runtime that died.
      const restarted = await RuntimeOwnership.acquire({ stateDir: join(dir, 'state-a'), checkpointStorage: storage, leaseTtlMs: ttlMs });
      await restarted.release();

      child = await holder(join(dir, 'state-a'), uri, ttlMs);
      await killHard(child);
      expect(await codeOf(RuntimeOwnership.acquire({ stateDir: join(dir, 'state-b'), checkpointStorage: storage }))).toBe(CheckpointErrorCodes.LOCATION_OWNED);
      const takenOver = await RuntimeOwnership.acquire({ stateDir: join(dir, 'state-b'), checkpointStorage: storage, takeOver: true });
      await takenOver.release();

      child = await holder(join(dir, 'state-a'), uri, ttlMs);
      await killHard(child);
      const began = Date.now();
      let other: RuntimeOwnership | undefined;
      while (other === undefined) {
        other = await RuntimeOwnership.acquire({ stateDir: join(dir, 'state-c'), checkpointStorage: storage }).catch((error: unknown) => {
          if (!isKeyflowError(error) || error.code !== CheckpointErrorCodes.LOCATION_OWNED) throw error;
          return undefined;
        });
        if (other === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(Date.now() - began).toBeGreaterThanOrEqual(ttlMs - 500);
      await other.release();
    });
  });

  it('refuses a second runtime on a state folder in use, also with in-memory state, and a second process too', async () => {
    const stateDir = join(dir, 'state');
    await startRuntime(stateDir, new FolderCheckpointStorage(join(dir, 'checkpoints-a')));
    expect(await codeOf(startRuntime(stateDir, new FolderCheckpointStorage(join(dir, 'checkpoints-b')), { memory: true }))).toBe(
      RuntimeErrorCodes.STATE_DIR_IN_USE,
    );
    const other = join(dir, 'other-state');
    await holder(other, join(dir, 'checkpoints-c'), 30_000);
    expect(await codeOf(startRuntime(other, undefined, { memory: true }))).toBe(RuntimeErrorCodes.STATE_DIR_IN_USE);
  });

  it('of two runtimes claiming one location at the same moment, at most one wins', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'checkpoints'));
    let winners = 0;
    for (let round = 0; round < 10; round++) {
      const claims = await Promise.allSettled(
        ['a', 'b', 'c'].map((name) => CheckpointLease.acquire(storage, { owner: { host: 'test', stateDir: `${dir}/${round}/${name}`, pid: 1 } })),
      );
      const won = claims.flatMap((claim) => (claim.status === 'fulfilled' ? [claim.value] : []));
      expect(won.length).toBeLessThanOrEqual(1);
      winners += won.length;
      for (const claim of claims) {
        if (claim.status === 'rejected') expect((claim.reason as { code?: string }).code).toBe(CheckpointErrorCodes.LOCATION_OWNED);
      }
      for (const lease of won) await lease.release();
    }
    // Those that back off at once try again after a random pause: rounds without a winner are rare.
    expect(winners).toBeGreaterThan(5);
  });
});
