import { logger, type ExecutorContext } from '@nx/devkit';
import { watchProject } from '../../codegen/watch-project';
import { codegenOptionsOf, executorProject, isContinuousIntegration, runProjectCodegen } from '../run-project-codegen';
import type { CodegenExecutorSchema } from './schema';

/**
 * `@keyflow/codegen:codegen`: brings a project's generated files up to date, writing only
 * those whose content changes. With `check` (the default under CI) it fails on stale files
 * instead. With `watch` it keeps running and yields after each regeneration: the hook a
 * serve executor uses to restart the runtime when functions change.
 */
export default async function* codegenExecutor(
  options: CodegenExecutorSchema,
  context: ExecutorContext,
): AsyncGenerator<{ success: boolean }> {
  const project = executorProject(context);
  const codegenOptions = codegenOptionsOf(project, options);
  const check = !options.watch && (options.check ?? isContinuousIntegration());
  if (check && options.check === undefined) logger.info(`codegen ${project.name}: CI is set, checking the generated files instead of writing them.`);
  yield { success: await runProjectCodegen(context.root, codegenOptions, check ? 'check' : 'write') };
  if (!options.watch) return;

  const changes = changeQueue();
  const watch = watchProject({ workspaceRoot: context.root, projectRoot: project.root, onChange: (paths) => changes.push(paths) });
  logger.info(`codegen ${project.name}: watching ${project.root} for changes.`);
  try {
    for (;;) {
      const paths = await changes.next();
      logger.info(`codegen ${project.name}: ${paths.join(', ')} changed.`);
      yield { success: await runProjectCodegen(context.root, codegenOptions, 'write') };
    }
  } finally {
    watch.close();
  }
}

/** Change bursts from the watcher, merged while codegen runs, taken one at a time. */
function changeQueue(): { push(paths: readonly string[]): void; next(): Promise<readonly string[]> } {
  let pending = new Set<string>();
  let waiting: ((paths: readonly string[]) => void) | undefined;
  return {
    push(paths) {
      for (const path of paths) pending.add(path);
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        const batch = [...pending];
        pending = new Set();
        resolve(batch);
      }
    },
    next() {
      if (pending.size > 0) {
        const batch = [...pending];
        pending = new Set();
        return Promise.resolve(batch);
      }
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
  };
}
