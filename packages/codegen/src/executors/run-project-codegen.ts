import { describeError } from '@keyflow/sdk';
import { logger, type ExecutorContext } from '@nx/devkit';
import type { CodegenOptions } from '../codegen/codegen-options';
import { runCodegen, staleOutputsError } from '../codegen/run-codegen';
import type { CodegenExecutorSchema } from './codegen/schema';

/** The Nx project an executor runs for. */
export interface ExecutorProject {
  readonly name: string;
  readonly root: string;
}

/** The project of `context`; throws when the executor runs without one. */
export function executorProject(context: ExecutorContext): ExecutorProject {
  const name = context.projectName;
  const root = name === undefined ? undefined : context.projectsConfigurations.projects[name]?.root;
  if (name === undefined || root === undefined) throw new Error('The Keyflow codegen executors run for a project: nx run <project>:codegen.');
  return { name, root };
}

/** The codegen options of a project from the executor options. */
export function codegenOptionsOf(project: ExecutorProject, options: CodegenExecutorSchema): CodegenOptions {
  return {
    projectName: project.name,
    projectRoot: project.root,
    urlPathTemplate: options.urlPathTemplate,
    functionsImage: options.functionsImage,
    runtimeImage: options.runtimeImage,
    functionsPort: options.functionsPort,
    stateVolumeSize: options.stateVolumeSize,
  };
}

/** True when the `CI` environment variable says so; codegen then checks instead of writing. */
export function isContinuousIntegration(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Runs codegen once for a project, logging what happened; true on success. */
export async function runProjectCodegen(
  workspaceRoot: string,
  options: CodegenOptions,
  mode: 'write' | 'check',
): Promise<boolean> {
  const name = options.projectName;
  try {
    const report = await runCodegen({ ...options, workspaceRoot, mode });
    if (report.errors.length > 0) {
      for (const error of report.errors) logger.error(error.message);
      logger.error(`codegen ${name}: ${report.errors.length} problem(s) in the sources; no file was written.`);
      return false;
    }
    if (mode === 'check') {
      const stale = staleOutputsError(name, report);
      if (stale) {
        logger.error(stale.message);
        return false;
      }
      logger.info(`codegen ${name}: the ${report.unchanged.length} generated files are up to date.`);
      return true;
    }
    for (const path of report.changed) logger.info(`  wrote   ${path}`);
    for (const path of report.obsolete) logger.info(`  deleted ${path}`);
    logger.info(
      `codegen ${name}: ${report.changed.length} written, ${report.obsolete.length} deleted, ${report.unchanged.length} unchanged.`,
    );
    return true;
  } catch (error) {
    logger.error(`codegen ${name} failed: ${describeError(error)}`);
    return false;
  }
}
