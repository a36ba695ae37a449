import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/** The code of one problem: an invalid setting, or a document kind that nothing handles. */
export type ModuleProblemCode = typeof RuntimeErrorCodes.MODULE_INVALID | typeof RuntimeErrorCodes.MODULE_UNKNOWN_KIND;

/**
 * One thing wrong in a module file, where it is (1-based line and column) and what was expected.
 * `message` starts with the key path, e.g. `spec.transport.call is "1 minnn", expected a duration …`.
 */
export interface ModuleProblem {
  readonly code: ModuleProblemCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The key path the problem is about, e.g. `spec.routes[0].path`; empty for a whole document. */
  readonly path: string;
  readonly message: string;
}

/** `file:line:column: message`, the form editors and CI annotators turn into links. */
export function formatModuleProblem(problem: ModuleProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/**
 * What `loadModule`/`parseModule` throw when module files are invalid: every problem of every
 * file, one per line of the message, and as data in `problems` for tools. The code is
 * `KF_MODULE_UNKNOWN_KIND` when at least one document has a kind nothing handles (usually a
 * missing connector package), `KF_MODULE_INVALID` otherwise.
 *
 * @example
 * try { await loadModule('module.yaml'); }
 * catch (e) { if (e instanceof InvalidModuleError) for (const p of e.problems) report(p.file, p.line, p.message); }
 */
export class InvalidModuleError extends KeyflowError {
  readonly problems: readonly ModuleProblem[];

  constructor(problems: readonly ModuleProblem[]) {
    super(codeOf(problems), describeProblems(problems));
    this.problems = problems;
  }
}

function codeOf(problems: readonly ModuleProblem[]): ModuleProblemCode {
  return problems.some((p) => p.code === RuntimeErrorCodes.MODULE_UNKNOWN_KIND)
    ? RuntimeErrorCodes.MODULE_UNKNOWN_KIND
    : RuntimeErrorCodes.MODULE_INVALID;
}

function describeProblems(problems: readonly ModuleProblem[]): string {
  const files = [...new Set(problems.map((p) => p.file))];
  const what = files.length === 1 ? `module file ${files[0] ?? ''}` : `${files.length} module files`;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`Invalid ${what} (${count}); fix and start again:`, ...problems.map(formatModuleProblem)].join('\n');
}
