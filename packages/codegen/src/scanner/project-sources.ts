import { posix } from 'node:path';

/** The suffix of files that hold function classes: `src/**\/*.function.ts`. */
export const FUNCTION_FILE_SUFFIX = '.function.ts';

/** The folder, under a project's `src/`, that holds generated code and is never scanned. */
export const GENERATED_SOURCE_DIR = 'src/generated';

/**
 * The TypeScript sources of one project, as the scanner reads them.
 *
 * @example
 * const sources: ProjectSources = {
 *   projectRoot: 'apps/examples',
 *   files: new Map([['apps/examples/src/functions/greeter.function.ts', '…']]),
 * };
 */
export interface ProjectSources {
  /** Workspace-relative posix path of the project, e.g. `apps/examples`. */
  readonly projectRoot: string;
  /** Workspace-relative path → text, for every file {@link isScannableSource} accepts. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * True for the files the scanner loads: `.ts` under `<projectRoot>/src/`, except specs,
 * declaration files and `src/generated/`.
 */
export function isScannableSource(projectRoot: string, path: string): boolean {
  const relative = posix.relative(projectRoot, path);
  if (relative.startsWith('..') || !relative.startsWith('src/')) return false;
  if (relative.startsWith(`${GENERATED_SOURCE_DIR}/`)) return false;
  if (!relative.endsWith('.ts') || relative.endsWith('.d.ts')) return false;
  return !/\.(spec|test)\.ts$/.test(relative);
}

/** True when the scanner looks for functions in a file: `*.function.ts`, or any source using `@StatefulFunction`. */
export function mayDeclareFunctions(path: string, text: string): boolean {
  return path.endsWith(FUNCTION_FILE_SUFFIX) || text.includes('StatefulFunction');
}
