import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';

/**
 * Resolves true when something accepts a connection on the Unix socket `path` within
 * `timeoutMs`, false otherwise. A socket file left by a dead process refuses connections,
 * so this, unlike a check for the file, is not fooled by it.
 */
export function acceptsConnections(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    const done = (accepted: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(accepted);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Prepares `path` for a server that is about to listen on it: creates its folder and removes
 * a socket file left by an earlier run. Throws when `path` exists and is not a socket, since
 * deleting someone's regular file would be worse than failing.
 */
export function prepareSocketPath(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  removeSocketFile(path);
}

/** Removes the socket file at `path` if there is one; leaves anything else alone. */
export function removeSocketFile(path: string): void {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket`);
  unlinkSync(path);
}
