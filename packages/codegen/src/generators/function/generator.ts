import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTypename } from '@keyflow/sdk';
import { generateFiles, joinPathFragments, names, readProjectConfiguration, updateJson, type Tree } from '@nx/devkit';
import type { CodegenOptions } from '../../codegen/codegen-options';
import { generateProject, readProjectSources } from '../../codegen/generate-project';
import { projectLayout } from '../../codegen/project-layout';
import { ownedDirs } from '../../codegen/run-codegen';
import { planSync } from '../../codegen/sync-generated-files';
import { CodegenError } from '../../errors/codegen-error';
import { CodegenErrorCodes } from '../../errors/codegen-error-codes';
import { applySyncToTree, treeProjectFiles } from '../../nx/tree-project-files';
import { scanProject } from '../../scanner/scan-project';
import type { ScannedFunction } from '../../scanner/scanned-function';
import { compareStrings } from '../../text/compare-strings';
import type { FunctionGeneratorSchema } from './schema';

/** The templates, found from the package root so they resolve from src/ and from dist/ alike. */
const TEMPLATES_DIR = join(resolve(__dirname, '..', '..', '..'), 'src', 'generators', 'function', 'files');

const FILE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The test kit the generated spec uses; a project with its own package.json gets it as a dev dependency. */
const TEST_KIT_PACKAGE = '@keyflow/testing';

/**
 * `nx generate @keyflow/codegen:function <name> --project <project>`: scaffolds
 * `src/functions/<name>.function.ts` (typename `<namespace>/<name>`) and a spec that runs it
 * with `@keyflow/testing`'s TestKit (the runtime's core, in process, on virtual time), then runs
 * codegen on the tree so the function registry, typed storage and module files include it. With
 * `--dry-run`, Nx lists all of it.
 */
export async function functionGenerator(tree: Tree, schema: FunctionGeneratorSchema): Promise<void> {
  const project = readProjectConfiguration(tree, schema.project);
  const files = treeProjectFiles(tree);
  const { className, fileName } = names(schema.name);
  if (!FILE_NAME.test(fileName)) {
    throw invalidOption(`The function name '${schema.name}' gives the file name '${fileName}'; use letters, digits and dashes, starting with a letter, e.g. 'order-tracker'.`);
  }

  const existing = scanProject(readProjectSources(files, project.root)).functions;
  const namespace = schema.namespace ?? dominantNamespace(existing) ?? project.name;
  const typename = `${namespace}/${fileName}`;
  try {
    parseTypename(typename);
  } catch {
    throw invalidOption(`The typename '${typename}' is invalid: the namespace and the name must be non-empty and hold no whitespace.`);
  }
  const taken = existing.find((fn) => fn.typename === typename);
  if (taken) {
    throw new CodegenError(
      CodegenErrorCodes.DUPLICATE_TYPENAME,
      undefined,
      `Project ${schema.project} already has a function '${typename}' (class ${taken.className} in ${taken.location.file}); choose another name.`,
    );
  }
  const directory = joinPathFragments(project.root, schema.directory ?? 'src/functions');
  const target = joinPathFragments(directory, `${fileName}.function.ts`);
  if (tree.exists(target)) throw invalidOption(`${target} already exists.`);

  generateFiles(tree, TEMPLATES_DIR, directory, { className, fileName, typename, namespace, name: fileName, tmpl: '' });
  addTestKitDependency(tree, project.root);
  if (schema.skipCodegen) return;

  const projectName = project.name ?? schema.project;
  const result = generateProject(files, { ...codegenTargetOptions(project.targets?.['codegen']?.options), projectName, projectRoot: project.root });
  if (result.errors.length > 0) {
    throw new Error(
      `The function was scaffolded, but codegen found problems in project ${projectName}; fix them and run \`npx nx run ${projectName}:codegen\`:\n${result.errors.map((error) => error.message).join('\n')}`,
    );
  }
  // Protobuf classes are not regenerated here (scaffolding a function does not change them),
  // so their folder is not treated as codegen's to clean up.
  const protoDir = projectLayout(project.root).protoOutputDir;
  const plan = planSync(result.files, ownedDirs(project.root).filter((dir) => dir !== protoDir), files);
  applySyncToTree(plan, tree);
}

export default functionGenerator;

/** The namespace most of a project's functions use (the alphabetically first on a tie). */
function dominantNamespace(functions: readonly ScannedFunction[]): string | undefined {
  const counts = new Map<string, number>();
  for (const fn of functions) counts.set(fn.namespace, (counts.get(fn.namespace) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0]?.[0];
}

/** The codegen options a project sets on its codegen target in project.json, if any. */
function codegenTargetOptions(options: unknown): Partial<CodegenOptions> {
  if (typeof options !== 'object' || options === null) return {};
  const source = options as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof source[key] === 'string' ? source[key] : undefined);
  return {
    urlPathTemplate: text('urlPathTemplate'),
    functionsImage: text('functionsImage'),
    runtimeImage: text('runtimeImage'),
    functionsPort: typeof source['functionsPort'] === 'number' ? source['functionsPort'] : undefined,
    stateVolumeSize: text('stateVolumeSize'),
  };
}

/** Adds the test kit to the project's package.json devDependencies, when it has one that lacks it. */
function addTestKitDependency(tree: Tree, projectRoot: string): void {
  const path = joinPathFragments(projectRoot, 'package.json');
  if (!tree.exists(path)) return;
  updateJson<PackageManifest>(tree, path, (manifest) => {
    if (manifest.dependencies?.[TEST_KIT_PACKAGE] !== undefined || manifest.devDependencies?.[TEST_KIT_PACKAGE] !== undefined) return manifest;
    return { ...manifest, devDependencies: { ...manifest.devDependencies, [TEST_KIT_PACKAGE]: `^${codegenVersion()}` } };
  });
}

interface PackageManifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** The test kit is released with codegen: the same version. */
function codegenVersion(): string {
  const manifest = JSON.parse(readFileSync(join(resolve(__dirname, '..', '..', '..'), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function invalidOption(message: string): CodegenError {
  return new CodegenError(CodegenErrorCodes.INVALID_OPTION, undefined, message);
}
