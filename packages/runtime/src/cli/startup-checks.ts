import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import type { FileEgressConfig } from '../config/module-config';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/**
 * Makes sure `keyflow run` can write its state folder before anything starts: creates it, and
 * writes and removes a file in it. Throws `KF_STATE_DIR_UNUSABLE` when it is a file or cannot
 * be written, naming the folder and what to do.
 */
export async function checkStateDir(dir: string): Promise<void> {
  const unusable = (why: string): KeyflowError =>
    new KeyflowError(RuntimeErrorCodes.STATE_DIR_UNUSABLE, `The state folder ${dir} ${why}; pass another --state-dir (or KEYFLOW_STATE_DIR), or fix it.`);
  const existing = await stat(dir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) throw unusable('is a file, not a folder');
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw unusable(describeFileProblem(error, 'cannot be created'));
  }
  const probe = join(dir, `.keyflow-write-check-${process.pid}`);
  try {
    await (await open(probe, 'w')).close();
    await rm(probe, { force: true });
  } catch (error) {
    throw unusable(describeFileProblem(error, 'cannot be written'));
  }
}

/**
 * Opens each file egress's output for appending (creating its folder), so that a path that
 * cannot be written stops `keyflow run` at startup with `KF_EGRESS_PATH_UNWRITABLE` instead of
 * failing the first record. Creates no file that was not there.
 */
export async function checkFileEgressPaths(egresses: readonly FileEgressConfig[]): Promise<void> {
  for (const egress of egresses) {
    const existed = await stat(egress.path).then(
      () => true,
      () => false,
    );
    try {
      await mkdir(dirname(egress.path), { recursive: true });
      await (await open(egress.path, 'a')).close();
      if (!existed) await rm(egress.path, { force: true });
    } catch (error) {
      throw new KeyflowError(
        RuntimeErrorCodes.EGRESS_PATH_UNWRITABLE,
        `${egress.source.file}:${egress.source.line}: file egress ${egress.id} cannot write ${egress.path}: ${describeFileProblem(error, 'it cannot be opened')}. ` +
          "Fix 'path:' there (a relative path starts from the module.yaml's folder), or the folder's permissions.",
        { cause: error },
      );
    }
  }
}

function describeFileProblem(error: unknown, fallback: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `${fallback}: a part of its path is a file, not a folder`;
    case 'EISDIR':
      return `${fallback}: it is a folder`;
    case 'EACCES':
    case 'EPERM':
      return `${fallback}: permission denied`;
    case 'EROFS':
      return `${fallback}: the file system is read-only`;
    case 'ENOSPC':
      return `${fallback}: the disk is full`;
    default:
      return `${fallback}: ${(error as Error).message}`;
  }
}
