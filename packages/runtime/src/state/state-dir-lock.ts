import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The lock file in a state folder. */
export const STATE_DIR_LOCK_FILE = 'keyflow.lock';

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: number;
}

/** State folders locked by this process (a second runtime in one process is refused too). */
const lockedHere = new Set<string>();

/**
 * One running process per state folder, whatever its state backend: RocksDB locks only its own
 * files, so without this a runtime with `--memory-state` could share a folder (its ingress log,
 * its default checkpoint folder) with a running one. The lock is a file naming the process; a
 * file whose process is gone (after kill -9) is taken over. A file written on another host
 * (a shared network folder) cannot be checked and is taken over only with `takeOver`.
 */
export class StateDirLock {
  private constructor(
    private readonly path: string,
    private readonly dir: string,
  ) {}

  static async acquire(stateDir: string, options: { takeOver?: boolean } = {}): Promise<StateDirLock> {
    const dir = resolve(stateDir);
    const path = join(dir, STATE_DIR_LOCK_FILE);
    if (lockedHere.has(dir)) throw inUse(dir, { pid: process.pid, host: hostname(), since: 0 });
    const me: LockHolder = { pid: process.pid, host: hostname(), since: Date.now() };
    await mkdir(dir, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(path, 'wx');
        try {
          await handle.writeFile(JSON.stringify(me));
          await handle.sync();
        } finally {
          await handle.close();
        }
        lockedHere.add(dir);
        return new StateDirLock(path, dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      if (holder !== undefined && isAlive(holder) && !(options.takeOver === true && holder.host !== me.host)) throw inUse(dir, holder);
      await rm(path, { force: true });
    }
    throw inUse(dir, (await readHolder(path)) ?? me);
  }

  async release(): Promise<void> {
    if (!lockedHere.delete(this.dir)) return;
    const holder = await readHolder(this.path);
    if (holder?.pid === process.pid && holder.host === hostname()) await rm(this.path, { force: true });
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    // Gone, or written half by a process that died while writing it: nobody holds it.
    return undefined;
  }
}

/** Whether the holder may still run: true for another host, whose processes cannot be seen. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  // Our own pid here means a previous process of ours (a restarted container is often pid 1).
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, holder: LockHolder): KeyflowError {
  return new KeyflowError(
    RuntimeErrorCodes.STATE_DIR_IN_USE,
    `The state folder ${dir} is in use by process ${holder.pid} on ${holder.host} (${join(dir, STATE_DIR_LOCK_FILE)}). ` +
      'Two runtimes on one state folder would overwrite each other\'s state and logs. Stop the other runtime or give this one its own --state-dir.',
  );
}
