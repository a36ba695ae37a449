#!/usr/bin/env node
// The `keyflow` command. npm links this file (it exists at install time, unlike the compiled
// CLI), and it loads dist/cli/main.js. In a checkout of the Keyflow workspace `npm ci` builds
// nothing, so the first run compiles the runtime — and @keyflow/connectors, whose kinds the CLI
// loads when its dist/ exists — with the workspace's TypeScript. A published package ships dist/.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');

/**
 * Packages the CLI needs built: this one, and the connectors when they sit next to it in the
 * workspace (found by folder, not by a require of their name, which Nx would read as a
 * dependency of the runtime on the connectors and a cycle in the build graph).
 */
function packagesToBuild() {
  const runtimeRoot = join(__dirname, '..');
  const roots = [runtimeRoot, join(runtimeRoot, '..', 'connectors')];
  return roots.filter(
    (root) => existsSync(join(root, 'src', 'index.ts')) && existsSync(join(root, 'tsconfig.lib.json')) && !existsSync(join(root, 'dist', 'index.js')),
  );
}

function buildFromSources(roots) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: roots });
  } catch {
    process.stderr.write(
      `[KF_CLI_NOT_BUILT] ${roots.map((root) => relative(process.cwd(), root) || '.').join(', ')} has no dist/ and TypeScript is not installed to build it; run 'npm ci' in the workspace, then 'npx nx run-many -t build -p runtime connectors'.\n`,
    );
    process.exit(1);
  }
  const projects = roots.map((root) => join(root, 'tsconfig.lib.json'));
  process.stderr.write(`keyflow: building ${roots.map((root) => relative(process.cwd(), root) || '.').join(', ')} (first run after install)…\n`);
  const result = spawnSync(process.execPath, [tsc, '-b', ...projects], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[KF_CLI_NOT_BUILT] Building the keyflow CLI failed (tsc -b ${projects.join(' ')}); fix the errors above, or run 'npx nx run runtime:build'.\n`);
    process.exit(1);
  }
}

const missing = packagesToBuild();
if (missing.length > 0) buildFromSources(missing);
require('../dist/cli/main.js');
