import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join, posix } from 'node:path';
import { toPosix } from '../text/posix-paths';
import { projectLayout } from './project-layout';

/** Options of {@link watchProject}. */
export interface WatchProjectOptions {
  readonly workspaceRoot: string;
  readonly projectRoot: string;
  /** Called with the workspace-relative paths that changed, once per burst of changes. */
  readonly onChange: (paths: readonly string[]) => void;
  /** How long to wait for a burst of changes to settle. Default 150 ms. */
  readonly debounceMs?: number;
}

/** A running watch; `close()` stops it. */
export interface ProjectWatch {
  close(): void;
}

/**
 * Watches a project's codegen inputs (`src/` minus `src/generated/`, `proto/`,
 * `keyflow.io.yaml`, `buf.yaml`) and calls `onChange` after each burst of changes. This is the
 * hook for `nx serve`: the codegen executor's `--watch` mode is built on it and yields after
 * each regeneration, so a serve executor can restart the runtime then.
 */
export function watchProject(options: WatchProjectOptions): ProjectWatch {
  const layout = projectLayout(options.projectRoot);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const notify = (path: string): void => {
    if (path.startsWith(`${layout.generatedDir}/`)) return;
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const paths = [...pending].sort();
      pending.clear();
      options.onChange(paths);
    }, options.debounceMs ?? 150);
  };
  const watchers: FSWatcher[] = [];
  const watchDir = (dir: string, recursive: boolean, accept: (path: string) => boolean): void => {
    const absolute = join(options.workspaceRoot, dir);
    if (!existsSync(absolute)) return;
    watchers.push(
      watch(absolute, { recursive }, (_event, name) => {
        if (name === null) return;
        const path = posix.join(dir, toPosix(name.toString()));
        if (accept(path)) notify(path);
      }),
    );
  };
  watchDir(layout.sourceDir, true, (path) => path.endsWith('.ts'));
  watchDir(layout.protoDir, true, () => true);
  watchDir(layout.projectRoot, false, (path) => path === layout.ioFile || path === posix.join(layout.projectRoot, 'buf.yaml'));
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
