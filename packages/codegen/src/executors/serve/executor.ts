import type { ExecutorContext } from '@nx/devkit';
import type { CodegenExecutorSchema } from '../codegen/schema';
import { codegenOptionsOf, executorProject } from '../run-project-codegen';
import type { ServeExecutorSchema } from './schema';
import { serveProject } from './serve-project';

/**
 * `@keyflow/codegen:serve` (`nx serve <project>`): runs the project's module.yaml with the
 * Keyflow runtime; when a source changes, regenerates (with the options of the project's codegen
 * target) and restarts the runtime, which keeps its state in `stateDir`. Ctrl+C stops it with a
 * final checkpoint.
 */
export default async function serveExecutor(options: ServeExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = executorProject(context);
  const codegenTarget = context.projectsConfigurations.projects[project.name]?.targets?.['codegen'];
  const codegen = codegenOptionsOf(project, (codegenTarget?.options ?? {}) as CodegenExecutorSchema);
  const runArgs = [
    '--module',
    options.module ?? `${project.root}/deploy/module.yaml`,
    '--state-dir',
    options.stateDir ?? `.keyflow/${project.name}`,
    ...(options.args ?? []),
  ];
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await serveProject({ workspaceRoot: context.root, codegen, runArgs, signal: abort.signal });
    return { success: true };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
