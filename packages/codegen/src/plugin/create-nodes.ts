import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import type { CreateNodes, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { FUNCTION_FILE_SUFFIX, GENERATED_SOURCE_DIR } from '../scanner/project-sources';
import { toPosix } from '../text/posix-paths';

/** Options of the plugin, in nx.json: `{ "plugin": "@keyflow/codegen/plugin", "options": { … } }`. */
export interface CodegenPluginOptions {
  /** The name of the inferred codegen target. Default `codegen`. */
  readonly targetName?: string;
  /** The name of the inferred staleness check. Default `check-generated`. */
  readonly checkTargetName?: string;
  /** Targets that get `dependsOn: [codegen]` when the project has them. */
  readonly dependentTargets?: readonly string[];
}

/** The files that make a project a codegen project. */
export const FUNCTION_FILES_GLOB = `**/src/**/*${FUNCTION_FILE_SUFFIX}`;

/** Targets that need the generated files: they run codegen first. */
export const DEFAULT_DEPENDENT_TARGETS = ['build', 'typecheck', 'test', 'lint', 'serve', 'start', 'serve-functions'] as const;

/** The folder of this package, to declare its sources as inputs of the codegen target. */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/**
 * Infers, for every project with `src/**\/*.function.ts` files, a cached `codegen` target
 * (with the function sources, `proto/` and `keyflow.io.yaml` as inputs and the generated
 * files as outputs), a `check-generated` target that fails when committed outputs are stale,
 * and `dependsOn: codegen` on the project's build, typecheck, test, lint and serve targets.
 *
 * @example
 * // nx.json
 * { "plugins": ["@keyflow/codegen/plugin"] }
 */
export const createNodes: CreateNodes<CodegenPluginOptions> = [
  FUNCTION_FILES_GLOB,
  (files, options, context) => {
    const projects = new Map<string, string>();
    for (const file of [...files].sort()) {
      const root = projectRootOf(file, context.workspaceRoot);
      if (root !== undefined && !projects.has(root)) projects.set(root, file);
    }
    return [...projects.entries()].map(([root, file]) => {
      const result: CreateNodesResult = {
        projects: { [root]: { targets: inferTargets(root, existingTargets(context.workspaceRoot, root), options ?? {}, context.workspaceRoot) } },
      };
      return [file, result] as const;
    });
  },
];

/** Nx's former name of {@link createNodes}, for Nx versions that look for it. */
export const createNodesV2 = createNodes;

/**
 * The project a function file belongs to: the nearest folder above it with a project.json or
 * package.json, provided the file is under that project's `src/` and not `src/generated/`.
 */
export function projectRootOf(file: string, workspaceRoot: string): string | undefined {
  let dir = posix.dirname(toPosix(file));
  while (dir !== '.' && dir !== '/' && dir.length > 0) {
    if (existsSync(join(workspaceRoot, dir, 'project.json')) || existsSync(join(workspaceRoot, dir, 'package.json'))) {
      const inProject = posix.relative(dir, toPosix(file));
      return inProject.startsWith('src/') && !inProject.startsWith(`${GENERATED_SOURCE_DIR}/`) ? dir : undefined;
    }
    dir = posix.dirname(dir);
  }
  return undefined;
}

/** The names of the targets a project declares itself (project.json targets, package.json scripts). */
export function existingTargets(workspaceRoot: string, root: string): Set<string> {
  const names = new Set<string>();
  const read = (file: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(readFileSync(join(workspaceRoot, root, file), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const projectJson = read('project.json');
  for (const name of Object.keys((projectJson?.['targets'] as object | undefined) ?? {})) names.add(name);
  const packageJson = read('package.json');
  for (const name of Object.keys((packageJson?.['scripts'] as object | undefined) ?? {})) names.add(name);
  const nx = packageJson?.['nx'] as { targets?: object } | undefined;
  for (const name of Object.keys(nx?.targets ?? {})) names.add(name);
  return names;
}

/** The targets the plugin adds to the project at `root`. */
export function inferTargets(
  root: string,
  existing: ReadonlySet<string>,
  options: CodegenPluginOptions,
  workspaceRoot: string,
): Record<string, TargetConfiguration> {
  const targetName = options.targetName ?? 'codegen';
  const checkName = options.checkTargetName ?? 'check-generated';
  const generatedExclusion = `!{projectRoot}/${GENERATED_SOURCE_DIR}/**/*`;
  const sources = [
    '{projectRoot}/src/**/*.ts',
    generatedExclusion,
    '!{projectRoot}/src/**/*.spec.ts',
    '{projectRoot}/proto/**/*',
    '{projectRoot}/buf.yaml',
    '{projectRoot}/keyflow.io.yaml',
  ];
  const outputs = [
    `{projectRoot}/${GENERATED_SOURCE_DIR}/functions.generated.ts`,
    `{projectRoot}/${GENERATED_SOURCE_DIR}/storage.generated.ts`,
    `{projectRoot}/${GENERATED_SOURCE_DIR}/proto`,
    '{projectRoot}/deploy/module.yaml',
    '{projectRoot}/deploy/statefun',
    '{projectRoot}/deploy/k8s',
  ];
  const toolInputs = codegenToolInputs(workspaceRoot);
  const targets: Record<string, TargetConfiguration> = {
    [targetName]: {
      executor: '@keyflow/codegen:codegen',
      inputs: [...sources, ...toolInputs],
      outputs,
      cache: true,
      metadata: {
        description:
          'Generate the function registry, typed storage, module.yaml (Keyflow and StateFun), protobuf classes and Kubernetes manifests.',
        technologies: ['keyflow'],
      },
    },
    [checkName]: {
      executor: '@keyflow/codegen:check-generated',
      options: { codegenTarget: targetName },
      // Nx applies a `!` pattern to all of a project's file inputs, whatever their order: the
      // sources' exclusion of the generated folder must go, or a hand edit there hits the cache.
      inputs: [...sources.filter((input) => input !== generatedExclusion), `{projectRoot}/${GENERATED_SOURCE_DIR}/**/*`, '{projectRoot}/deploy/**/*', ...toolInputs],
      cache: true,
      metadata: {
        description: `Fail when the generated files differ from what \`${targetName}\` produces now.`,
        technologies: ['keyflow'],
      },
    },
  };
  for (const name of options.dependentTargets ?? DEFAULT_DEPENDENT_TARGETS) {
    // '...' keeps what project.json and targetDefaults say (e.g. `^build`) and adds codegen.
    if (existing.has(name)) targets[name] = { dependsOn: ['...', targetName] };
  }
  return targets;
}

/** Inputs for codegen's own code: its sources in a workspace, its version when installed. */
function codegenToolInputs(workspaceRoot: string): TargetConfiguration['inputs'] & unknown[] {
  const external = { externalDependencies: ['@bufbuild/buf', '@bufbuild/protoc-gen-es'] };
  const fromWorkspace = toPosix(relative(workspaceRoot, PACKAGE_ROOT));
  if (fromWorkspace.startsWith('..') || fromWorkspace.split('/').includes('node_modules')) {
    return [{ externalDependencies: ['@keyflow/codegen', ...external.externalDependencies] }];
  }
  return [
    `{workspaceRoot}/${fromWorkspace}/src/**/*`,
    `!{workspaceRoot}/${fromWorkspace}/src/**/*.spec.ts`,
    `{workspaceRoot}/${fromWorkspace}/entry/*`,
    external,
  ];
}

