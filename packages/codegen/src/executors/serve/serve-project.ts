import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { logger } from '@nx/devkit';
import type { CodegenOptions } from '../../codegen/codegen-options';
import { watchProject } from '../../codegen/watch-project';
import { runProjectCodegen } from '../run-project-codegen';

/** What {@link serveProject} runs. */
export interface ServeProjectOptions {
  readonly workspaceRoot: string;
  readonly codegen: CodegenOptions;
  /** `keyflow run`'s arguments: the module, the state folder and the rest. */
  readonly runArgs: readonly string[];
  /** Ends the serve: the runtime stops (final checkpoint) and the promise resolves. */
  readonly signal: AbortSignal;
  /** Called each time a runtime process starts, with its pid. */
  readonly onStart?: (pid: number) => void;
}

/**
 * Runs codegen, then `keyflow run`, and after each change of the project's sources runs codegen
 * again and restarts the runtime, gracefully: it takes a final checkpoint, and the next process
 * starts from it, so state survives every restart. A change that codegen rejects leaves the
 * running runtime alone. Resolves when `signal` aborts and the runtime has stopped.
 */
export async function serveProject(options: ServeProjectOptions): Promise<void> {
  const cli = keyflowCli(options.workspaceRoot);
  let runtime: ChildProcess | undefined;
  const start = (): void => {
    const child = spawn(process.execPath, [cli, 'run', ...options.runArgs], { cwd: options.workspaceRoot, stdio: 'inherit' });
    runtime = child;
    child.once('exit', (code, signal) => {
      if (runtime === child) runtime = undefined;
      if (!options.signal.aborted && code !== 0 && signal !== 'SIGTERM') {
        logger.error(`serve ${options.codegen.projectName}: keyflow run exited with ${signal ?? `code ${String(code)}`}; it starts again on the next change.`);
      }
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
  };

  const changes: string[][] = [];
  let wake: (() => void) | undefined;
  const watch = watchProject({
    workspaceRoot: options.workspaceRoot,
    projectRoot: options.codegen.projectRoot,
    onChange: (paths) => {
      changes.push([...paths]);
      wake?.();
    },
  });
  const aborted = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    if (await runProjectCodegen(options.workspaceRoot, options.codegen, 'write')) start();
    else logger.error(`serve ${options.codegen.projectName}: fix the errors above; the runtime starts on the next change.`);
    while (!options.signal.aborted) {
      if (changes.length === 0) {
        await Promise.race([aborted, new Promise<void>((resolve) => (wake = resolve))]);
        wake = undefined;
        continue;
      }
      const paths = [...new Set(changes.splice(0).flat())].sort();
      logger.info(`serve ${options.codegen.projectName}: ${paths.join(', ')} changed; regenerating and restarting.`);
      if (!(await runProjectCodegen(options.workspaceRoot, options.codegen, 'write'))) {
        logger.error(`serve ${options.codegen.projectName}: codegen failed; the running runtime keeps the previous code.`);
        continue;
      }
      await stop(runtime);
      if (!options.signal.aborted) start();
    }
  } finally {
    watch.close();
    await stop(runtime);
  }
}

/** Stops a runtime process as Ctrl+C would (it takes a final checkpoint) and waits for it. */
function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The `keyflow` command of the workspace's @keyflow/runtime. */
function keyflowCli(workspaceRoot: string): string {
  let manifest: string;
  try {
    manifest = createRequire(join(workspaceRoot, 'package.json')).resolve('@keyflow/runtime/package.json');
  } catch {
    manifest = createRequire(__filename).resolve('@keyflow/runtime/package.json');
  }
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> }).bin?.['keyflow'];
  if (bin === undefined) throw new Error(`${manifest} has no keyflow command; install @keyflow/runtime.`);
  return join(dirname(manifest), bin);
}
