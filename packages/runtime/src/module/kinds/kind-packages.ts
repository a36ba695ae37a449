import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { KeyflowError, describeError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';
import type { Kind } from './kind';

/** A package that adds module.yaml kinds, and the kinds it adds. */
export interface KindPackage {
  readonly name: string;
  /** The package.json that declared the dependency on it. */
  readonly declaredIn: string;
  readonly kinds: readonly Kind[];
}

interface PackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly keyflow?: { readonly kinds?: unknown };
}

const ROLES: ReadonlySet<unknown> = new Set(['endpoint', 'sidecar', 'ingress', 'egress']);

/**
 * The kind packages a project depends on. A package adds kinds by saying so in its
 * package.json, `"keyflow": { "kinds": "." }`: the export at that subpath lists them as
 * `keyflowKinds`. The project is every package.json from each of `folders` up to the file
 * system root; the packages looked at are those their `dependencies`, `optionalDependencies`
 * and `devDependencies` name and that are installed. Nothing is looked up by a fixed name.
 * Throws `KF_KIND_PACKAGE_INVALID` when a package declares kinds it does not export.
 *
 * @example
 * // package.json: { "dependencies": { "@keyflow/runtime": "…", "@keyflow/connectors": "…" } }
 * const kinds = findKindPackages([process.cwd()]).flatMap((found) => found.kinds);
 * const module = await loadModule('module.yaml', { kinds });
 */
export function findKindPackages(folders: readonly string[]): KindPackage[] {
  const found = new Map<string, KindPackage>();
  for (const manifest of projectManifests(folders)) {
    const project = readManifest(manifest);
    const names = Object.keys({ ...project.devDependencies, ...project.optionalDependencies, ...project.dependencies });
    const requireFromProject = createRequire(manifest);
    for (const name of names) {
      if (found.has(name)) continue;
      const packageManifest = resolveManifest(requireFromProject, name);
      if (packageManifest === undefined) continue;
      const subpath = readManifest(packageManifest).keyflow?.kinds;
      if (subpath === undefined) continue;
      found.set(name, { name, declaredIn: manifest, kinds: loadKinds(requireFromProject, name, subpath) });
    }
  }
  return [...found.values()];
}

// Each folder's package.json and those of the folders above it, nearest first, each once.
function projectManifests(folders: readonly string[]): string[] {
  const manifests = new Set<string>();
  for (const folder of folders) {
    for (let current = resolve(folder); ; current = dirname(current)) {
      const manifest = join(current, 'package.json');
      if (existsSync(manifest)) manifests.add(manifest);
      if (dirname(current) === current) break;
    }
  }
  return [...manifests];
}

function readManifest(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

// A dependency that is not installed (an optional or a dev dependency), or whose package.json
// is not exported, adds no kinds.
function resolveManifest(requireFromProject: NodeJS.Require, name: string): string | undefined {
  try {
    return requireFromProject.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
}

function loadKinds(requireFromProject: NodeJS.Require, name: string, subpath: unknown): Kind[] {
  const invalid = (what: string, cause?: unknown): KeyflowError =>
    new KeyflowError(
      RuntimeErrorCodes.KIND_PACKAGE_INVALID,
      `${name} declares module.yaml kinds in its package.json ("keyflow": { "kinds": ${JSON.stringify(subpath)} }) but ${what}; ` +
        'fix or reinstall the package, or remove it from your dependencies.',
      cause === undefined ? undefined : { cause },
    );
  if (typeof subpath !== 'string' || (subpath !== '.' && !subpath.startsWith('./'))) {
    throw invalid("the value is not an export subpath such as '.' or './kinds'");
  }
  const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
  let exported: { keyflowKinds?: unknown };
  try {
    exported = requireFromProject(specifier) as { keyflowKinds?: unknown };
  } catch (error) {
    throw invalid(`loading ${specifier} failed: ${describeError(error)}`, error);
  }
  const kinds = exported.keyflowKinds;
  if (!Array.isArray(kinds) || !kinds.every(isKind)) {
    throw invalid(`${specifier} does not export keyflowKinds as a list of kinds ({ name, role, readSpec, create })`);
  }
  return kinds;
}

function isKind(value: unknown): value is Kind {
  if (typeof value !== 'object' || value === null) return false;
  const kind = value as Partial<Record<keyof Kind, unknown>>;
  return typeof kind.name === 'string' && ROLES.has(kind.role) && typeof kind.readSpec === 'function' && typeof kind.create === 'function';
}
