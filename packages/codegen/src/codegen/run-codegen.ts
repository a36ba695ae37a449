import { posix } from 'node:path';
import { CodegenError, compareErrors } from '../errors/codegen-error';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { regenerateCommand } from '../emitters/generated-header';
import { generateProtobuf } from '../protobuf/generate-protobuf';
import { compareStrings } from '../text/compare-strings';
import type { CodegenOptions } from './codegen-options';
import { generateProject } from './generate-project';
import { diskProjectFiles } from './project-files';
import { projectLayout } from './project-layout';
import { applySyncToDisk, planSync, type SyncPlan } from './sync-generated-files';

/** Options of one codegen run on disk. */
export interface RunCodegenOptions extends CodegenOptions {
  /** The absolute path of the workspace. */
  readonly workspaceRoot: string;
  /** `write` brings the files up to date; `check` only reports what is stale. */
  readonly mode: 'write' | 'check';
}

/** What a run did (or, in check mode, would do). */
export interface CodegenReport {
  /** Problems in the project's sources; when there are any, nothing was written. */
  readonly errors: readonly CodegenError[];
  /** Files written (write mode) or stale (check mode). */
  readonly changed: readonly string[];
  /** Obsolete generated files deleted (write mode) or to delete (check mode). */
  readonly obsolete: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * The folders codegen owns for a project: generated files there that are no longer produced
 * are deleted. The registry, storage and module files are single, always-produced files.
 */
export function ownedDirs(projectRoot: string): string[] {
  const layout = projectLayout(projectRoot);
  return [layout.protoOutputDir, layout.kubernetesDir, posix.dirname(layout.statefunModuleFile)];
}

/**
 * Runs codegen for a project on disk: scan, emit, compile protobuf, then write what changed
 * (files with the same content are left alone, so a second run changes nothing) or, in check
 * mode, report what is stale.
 *
 * @example
 * const report = await runCodegen({ workspaceRoot, projectName: 'examples', projectRoot: 'apps/examples', mode: 'check' });
 * if (report.errors.length > 0 || report.changed.length > 0) process.exitCode = 1;
 */
export async function runCodegen(options: RunCodegenOptions): Promise<CodegenReport> {
  const files = diskProjectFiles(options.workspaceRoot);
  const generated = generateProject(files, options);
  const protobuf = await generateProtobuf(options);
  const errors = [...generated.errors, ...protobuf.errors].sort(compareErrors);
  if (errors.length > 0) return { errors, changed: [], obsolete: [], unchanged: [] };

  const expected = [...generated.files, ...protobuf.files].sort((a, b) => compareStrings(a.path, b.path));
  const plan = planSync(expected, ownedDirs(options.projectRoot), files);
  if (options.mode === 'write') applySyncToDisk(plan, options.workspaceRoot);
  return { errors: [], ...summarize(plan) };
}

function summarize(plan: SyncPlan): Omit<CodegenReport, 'errors'> {
  return { changed: plan.changed.map((file) => file.path), obsolete: plan.obsolete, unchanged: plan.unchanged };
}

/** The error a check raises for stale files, listing them and the command that fixes them. */
export function staleOutputsError(projectName: string, report: CodegenReport): CodegenError | undefined {
  if (report.changed.length === 0 && report.obsolete.length === 0) return undefined;
  const lines = [
    ...report.changed.map((path) => `  stale:    ${path}`),
    ...report.obsolete.map((path) => `  obsolete: ${path}`),
  ];
  return new CodegenError(
    CodegenErrorCodes.STALE_OUTPUTS,
    undefined,
    `Generated files of project ${projectName} are out of date:\n${lines.join('\n')}\nRun: ${regenerateCommand(projectName)}`,
  );
}

