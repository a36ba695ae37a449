import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/keyflow-process';

// Each package as a user installs it: packed with `npm pack`, installed from its tarball alone
// into an empty project (no workspace, no sources), every entry point of its `exports` loaded
// with require and with import, and a TypeScript file using each entry type-checked against the
// installed declarations. Catches a file left out of `files`, an `exports` path that does not
// exist, a dependency used but not declared, a declaration that names an unpublished type.

jest.setTimeout(10 * 60_000);

const PACKAGES = ['sdk', 'runtime', 'connectors', 'codegen', 'testing'] as const;

/** The import name of an `exports` key of package `name`. */
function entryName(name: string, key: string): string {
  return key === '.' ? name : `${name}/${key.slice(2)}`;
}

/** An entry with only the `@keyflow/source` condition: resolved in the workspace, absent from the package (test support). */
function isWorkspaceOnly(target: unknown): boolean {
  return typeof target === 'object' && target !== null && Object.keys(target).every((condition) => condition === '@keyflow/source');
}

/** Entries of `exports` that are code (not package.json or the Nx plugin's JSON manifests) and published. */
function codeEntries(name: string, exports: Record<string, unknown>): string[] {
  return Object.entries(exports)
    .filter(([key, target]) => !key.endsWith('.json') && !isWorkspaceOnly(target))
    .map(([key]) => entryName(name, key));
}

/** Entries that only the workspace resolves. */
function workspaceOnlyEntries(name: string, exports: Record<string, unknown>): string[] {
  return Object.entries(exports)
    .filter(([, target]) => isWorkspaceOnly(target))
    .map(([key]) => entryName(name, key));
}

/** A user's TypeScript touching each package's entry points (what the READMEs show). */
const USER_SOURCE = `import { StatefulFunction, ValueSpec, Types, type Context, type Message } from '@keyflow/sdk';
import { encodeToFunction } from '@keyflow/sdk/protocol';
import { KeyflowRuntime, type RuntimeOptions } from '@keyflow/runtime';
import type { IngressKind } from '@keyflow/runtime/kinds';
import { keyflowKinds } from '@keyflow/connectors';
import { TestKit } from '@keyflow/testing';

@StatefulFunction('check/counter')
export class Counter {
  @ValueSpec({ type: Types.int }) count?: number;
  apply(ctx: Context, msg: Message): void {
    ctx.storage; msg.isString();
  }
}
export const parts: unknown[] = [encodeToFunction, KeyflowRuntime, keyflowKinds, TestKit];
export type Options = RuntimeOptions;
export type Ingress = IngressKind<unknown>;
`;

describe('the packages as published', () => {
  let dir: string;
  const tarballs = new Map<string, string>();
  const entries: string[] = [];
  const workspaceOnly: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-packed-'));
    for (const folder of PACKAGES) {
      const manifest = JSON.parse(await readFile(join(ROOT, 'packages', folder, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
      const [packed] = JSON.parse(execFileSync('npm', ['pack', join(ROOT, 'packages', folder), '--pack-destination', dir, '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as {
        filename: string;
        files: { path: string }[];
      }[];
      if (packed === undefined) throw new Error(`npm pack packages/${folder} printed nothing`);
      tarballs.set(manifest.name, packed.filename);
      entries.push(...codeEntries(manifest.name, manifest.exports));
      workspaceOnly.push(...workspaceOnlyEntries(manifest.name, manifest.exports));
      // Tests and their helpers stay out of what users install.
      expect({ folder, testFiles: packed.files.map((file) => file.path).filter((path) => /\.spec\.|\/test-support\//.test(path)) }).toEqual({ folder, testFiles: [] });
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('install from their tarballs alone, load every entry point and type-check a user file against their declarations', async () => {
    const app = join(dir, 'app');
    await mkdir(app);
    const file = (name: string) => `file:${join(dir, tarballs.get(name) ?? '')}`;
    const dependencies = Object.fromEntries([...tarballs.keys()].map((name) => [name, file(name)]));
    const typesNode = (JSON.parse(await readFile(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string }).version;
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'keyflow-user', private: true, dependencies, devDependencies: { '@types/node': typesNode }, overrides: dependencies }, null, 2),
    );
    // Third-party packages come from npm's cache when they are there (CI installed them a moment ago).
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe', timeout: 5 * 60_000 });

    await writeFile(
      join(app, 'load.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
for (const entry of ${JSON.stringify(entries)}) {
  const viaRequire = Object.keys(require(entry)).length;
  const viaImport = Object.keys(await import(entry)).length;
  if (viaRequire === 0 || viaImport === 0) throw new Error(entry + ' exports nothing');
  console.log(entry);
}
for (const entry of ${JSON.stringify(workspaceOnly)}) {
  try {
    require(entry);
    console.log(entry + ' resolves outside the workspace');
  } catch (error) {
    if (error.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
  }
}
`,
    );
    expect(workspaceOnly).toContain('@keyflow/sdk/test-support');
    expect(execFileSync(process.execPath, ['load.mjs'], { cwd: app, encoding: 'utf8' }).trim().split('\n')).toEqual(entries);

    await writeFile(join(app, 'user.ts'), USER_SOURCE);
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, experimentalDecorators: true, types: ['node'] },
        files: ['user.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const typecheck = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8' });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(typecheck).toBe('');

    expect(execFileSync('npx', ['keyflow', 'run', '--help'], { cwd: app, encoding: 'utf8' })).toContain('Usage: keyflow run');
  });
});
