import { posix } from 'node:path';
import type { ProjectFiles } from '../codegen/project-files';
import { isScannableSource, type ProjectSources } from '../scanner/project-sources';

/** The root of the in-memory projects tests build. */
export const TEST_PROJECT_ROOT = 'apps/demo';

/** The sdk import most test functions need. */
export const SDK_IMPORT =
  "import { StatefulFunction, ValueSpec, Types, jsonType, type Context, type Message } from '@keyflow/sdk';";

/** Scanner input from files keyed by their path inside the project (`src/functions/a.function.ts`). */
export function projectSources(files: Record<string, string>, projectRoot = TEST_PROJECT_ROOT): ProjectSources {
  const map = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    const full = posix.join(projectRoot, path);
    if (isScannableSource(projectRoot, full)) map.set(full, text);
  }
  return { projectRoot, files: map };
}

/** A {@link ProjectFiles} over files keyed by workspace-relative path. */
export function memoryProjectFiles(files: Record<string, string>): ProjectFiles {
  const paths = Object.keys(files).sort();
  return {
    listFiles: (dir) => paths.filter((path) => path.startsWith(`${dir}/`)),
    readFile: (path) => files[path],
  };
}

/** Files keyed by workspace path, from files keyed by project path. */
export function inProject(files: Record<string, string>, projectRoot = TEST_PROJECT_ROOT): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [posix.join(projectRoot, path), text]));
}

/** A function class source: `@StatefulFunction(typename)` on an exported class with the given members. */
export function functionSource(typename: string, className: string, members = '', imports = SDK_IMPORT): string {
  return [
    imports,
    '',
    `@StatefulFunction('${typename}')`,
    `export class ${className} {`,
    members,
    `  apply(ctx: Context<${className}>, msg: Message): void {}`,
    '}',
    '',
  ].join('\n');
}
