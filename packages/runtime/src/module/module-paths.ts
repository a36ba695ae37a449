import os from 'node:os';
import path from 'node:path';

/**
 * An absolute path for a path written in a module file: `~/x` is under the home folder,
 * a relative path is relative to the module file's folder (not to the runtime's working
 * directory, so a module behaves the same wherever it is started from).
 */
export function resolveModulePath(value: string, moduleDir: string): string {
  if (value === '~') return os.homedir();
  if (value.startsWith('~/')) return path.join(os.homedir(), value.slice(2));
  return path.resolve(moduleDir, value);
}

/** The folder that relative paths of `file` are resolved against. */
export function moduleDirOf(file: string): string {
  return path.dirname(path.resolve(file));
}
