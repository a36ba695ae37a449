#!/usr/bin/env node
// The `keyflow` command. npm links this file (it exists at install time, unlike the compiled
// CLI), and it loads dist/cli/main.js. In a checkout of the Keyflow workspace `npm ci` builds
// nothing, so the first run compiles the runtime — and @keyflow/connectors, whose kinds the CLI
// loads when its dist/ exists — with the workspace's TypeScript. After that, a source newer than
// its package's last build (an edit, a `git pull`) is compiled again (tsc -b is incremental), so
// the command never runs old code silently. A published package ships dist/ and no src/.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const runtimeRoot = join(__dirname, '..');

/**
 * The workspace packages the CLI runs: the sdk, this one, and the connectors when they sit next
 * to it (found by folder, not by a require of their name, which Nx would read as a dependency
 * of the runtime on the connectors and a cycle in the build graph). Only those with sources.
 */
function workspacePackages() {
  return [join(runtimeRoot, '..', 'sdk'), runtimeRoot, join(runtimeRoot, '..', 'connectors')].filter(
    (root) => existsSync(join(root, 'src', 'index.ts')) && existsSync(join(root, 'tsconfig.lib.json')),
  );
}

/** The newest modification time of a package's compiled inputs (sources, not tests; its tsconfig). */
function newestInput(root) {
  let newest = Math.max(statSync(join(root, 'tsconfig.lib.json')).mtimeMs, statSync(join(root, 'src')).mtimeMs);
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // A folder's time changes when a file in it is added or removed.
        if (entry.name !== 'test-support') {
          newest = Math.max(newest, statSync(path).mtimeMs);
          visit(path);
        }
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  visit(join(root, 'src'));
  return newest;
}

/** Why a package must be compiled before the CLI runs: 'missing', 'stale' or undefined. */
function buildState(root) {
  const buildInfo = join(root, 'dist', 'tsconfig.lib.tsbuildinfo');
  if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(buildInfo)) return 'missing';
  return newestInput(root) > statSync(buildInfo).mtimeMs ? 'stale' : undefined;
}

function name(root) {
  return relative(process.cwd(), root) || '.';
}

function buildFromSources(packages, reason) {
  const roots = packages.map((found) => found.root);
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: roots });
  } catch {
    process.stderr.write(
      `[KF_CLI_NOT_BUILT] ${roots.map(name).join(', ')} must be compiled and TypeScript is not installed to do it; run 'npm ci' in the workspace, then 'npx nx run-many -t build -p runtime connectors'.\n`,
    );
    process.exit(1);
  }
  // The sdk is built through the runtime's project references.
  const projects = roots.filter((root) => !root.endsWith(`${join('packages', 'sdk')}`)).map((root) => join(root, 'tsconfig.lib.json'));
  if (!projects.includes(join(runtimeRoot, 'tsconfig.lib.json'))) projects.unshift(join(runtimeRoot, 'tsconfig.lib.json'));
  process.stderr.write(`keyflow: ${reason}; compiling (tsc -b)…\n`);
  const result = spawnSync(process.execPath, [tsc, '-b', ...projects], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(
      `[KF_CLI_NOT_BUILT] Compiling the keyflow CLI failed (tsc -b ${projects.map(name).join(' ')}): fix the errors above, then run the command again.\n`,
    );
    process.exit(1);
  }
}

const packages = workspacePackages().map((root) => ({ root, state: buildState(root) }));
const missing = packages.filter((found) => found.state === 'missing');
const stale = packages.filter((found) => found.state === 'stale');
if (missing.length > 0) {
  buildFromSources([...missing, ...stale], `${missing.map((found) => name(found.root)).join(', ')} not built yet (first run after install)`);
} else if (stale.length > 0) {
  buildFromSources(stale, `sources of ${stale.map((found) => name(found.root)).join(', ')} changed since the last build`);
}
require('../dist/cli/main.js');
