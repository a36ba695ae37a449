import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction } from '../scanner/scanned-function';
import { quoteString } from '../text/identifiers';
import { assignClassNames } from './class-names';
import { typescriptHeader } from './generated-header';
import { ImportSet } from './import-set';

/** What the registry emitter needs: the project and its functions, sorted by typename. */
export interface RegistryInput {
  readonly projectName: string;
  readonly projectRoot: string;
  readonly functions: readonly ScannedFunction[];
}

/**
 * Emits `src/generated/functions.generated.ts`: imports every function class, re-exports it,
 * and lists them all in `functions`, sorted by typename, so the runtime imports one module
 * instead of scanning files at start.
 */
export function emitRegistry(input: RegistryInput): GeneratedFile {
  const layout = projectLayout(input.projectRoot);
  const imports = new ImportSet(layout.generatedDir, ['functions', 'typenames']);
  const classNames = assignClassNames(input.functions, ['functions', 'typenames', 'FunctionClass']);
  const functionClass = imports.use({ module: '@keyflow/sdk', isPackage: true, exportName: 'FunctionClass' }, { typeOnly: true });
  const locals = input.functions.map((fn) =>
    imports.use(fn.symbol, { typeOnly: false, preferredName: classNames.get(fn.typename) ?? fn.className }),
  );

  const lines: string[] = [...imports.render(), ''];
  if (locals.length > 0) lines.push(`export { ${locals.join(', ')} };`, '');
  lines.push(
    `/** Every function of project ${input.projectName}, sorted by typename. */`,
    `export const functions: readonly ${functionClass}[] = [${locals.join(', ')}];`,
    '',
    '/** The typename of each class in {@link functions}, in the same order. */',
    `export const typenames = [${input.functions.map((fn) => quoteString(fn.typename)).join(', ')}] as const;`,
  );
  const header = typescriptHeader(input.projectName, [
    `The function registry of project ${input.projectName}: every @StatefulFunction class, sorted`,
    'by typename. The runtime imports this module (see deploy/module.yaml) instead of scanning files.',
  ]);
  return { path: layout.registryFile, content: `${header}${lines.join('\n')}\n` };
}
