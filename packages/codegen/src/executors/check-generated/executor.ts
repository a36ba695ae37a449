import type { ExecutorContext } from '@nx/devkit';
import type { CodegenExecutorSchema } from '../codegen/schema';
import { codegenOptionsOf, executorProject, runProjectCodegen } from '../run-project-codegen';
import type { CheckGeneratedExecutorSchema } from './schema';

/**
 * `@keyflow/codegen:check-generated`: regenerates a project's outputs in memory, with the
 * options of its codegen target, and fails listing every stale or obsolete file. Nothing on
 * disk changes, so CI can run it next to other tasks.
 */
export default async function checkGeneratedExecutor(
  options: CheckGeneratedExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = executorProject(context);
  const codegenTarget = context.projectsConfigurations.projects[project.name]?.targets?.[options.codegenTarget ?? 'codegen'];
  const codegenOptions = (codegenTarget?.options ?? {}) as CodegenExecutorSchema;
  return { success: await runProjectCodegen(context.root, codegenOptionsOf(project, codegenOptions), 'check') };
}
