'use strict';
// Loads a module of @keyflow/codegen for Nx (plugin, generator, executors). In a workspace the
// TypeScript sources are loaded directly through tsx, scoped to this package, so no build is
// needed and Nx never runs stale output; `@keyflow/*` imports resolve to their sources
// (tsconfig.source.json), as the `@keyflow/source` export condition does for jest and tsc.
// A published package has no src/ and loads dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const packageRoot = join(__dirname, '..');
let sourceRequire;

function loadCodegenModule(modulePath) {
  const source = join(packageRoot, 'src', `${modulePath}.ts`);
  if (!existsSync(source)) return require(join(packageRoot, 'dist', `${modulePath}.js`));
  if (!sourceRequire) {
    const { register } = require('tsx/cjs/api');
    const previous = process.env.TSX_TSCONFIG_PATH;
    process.env.TSX_TSCONFIG_PATH = join(__dirname, 'tsconfig.source.json');
    try {
      sourceRequire = register({ namespace: 'keyflow-codegen' }).require;
    } finally {
      if (previous === undefined) delete process.env.TSX_TSCONFIG_PATH;
      else process.env.TSX_TSCONFIG_PATH = previous;
    }
  }
  return sourceRequire(source, __filename);
}

module.exports = { loadCodegenModule };
