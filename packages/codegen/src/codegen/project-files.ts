import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { compareStrings } from '../text/compare-strings';

/**
 * A read-only view of the workspace's files, by workspace-relative posix path. Codegen reads
 * through it, so the same code runs on disk and on an Nx generator's virtual tree.
 */
export interface ProjectFiles {
  /** Every file under `dir`, recursively, sorted; empty when `dir` does not exist. */
  listFiles(dir: string): string[];
  /** The text of a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.nx']);

/** {@link ProjectFiles} on the real file system, relative to `workspaceRoot`. */
export function diskProjectFiles(workspaceRoot: string): ProjectFiles {
  return {
    listFiles(dir) {
      const found: string[] = [];
      const walk = (relative: string): void => {
        let entries;
        try {
          entries = readdirSync(join(workspaceRoot, relative), { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const path = posix.join(relative, entry.name);
          if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name)) walk(path);
          } else if (entry.isFile()) {
            found.push(path);
          }
        }
      };
      walk(dir);
      return found.sort(compareStrings);
    },
    readFile(path) {
      try {
        const absolute = join(workspaceRoot, path);
        return statSync(absolute).isFile() ? readFileSync(absolute, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
