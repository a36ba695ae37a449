import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import ts from 'typescript';
import { functionGenerator } from '../src/generators/function/generator';

// What `nx g @keyflow/codegen:function` scaffolds must compile and its spec must pass: the
// generated class and spec are written to a folder inside the workspace (so @keyflow/* resolve
// as in a project), type-checked with the workspace's compiler settings, and the spec is run by
// Jest in a child process.

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(__dirname, '..', 'tmp', `generated-function-${process.pid}`);

jest.setTimeout(180_000);

describe('a function scaffolded by the generator', () => {
  beforeAll(async () => {
    const tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'shop', { root: 'apps/shop', sourceRoot: 'apps/shop/src', targets: {} });
    await functionGenerator(tree, { name: 'order-tracker', project: 'shop', namespace: 'shop', skipCodegen: true });
    mkdirSync(DIR, { recursive: true });
    for (const file of ['order-tracker.function.ts', 'order-tracker.function.spec.ts']) {
      writeFileSync(join(DIR, file), tree.read(`apps/shop/src/functions/${file}`, 'utf-8') ?? '');
    }
    writeFileSync(join(DIR, 'jest.config.cjs'), `module.exports = { ...require(${JSON.stringify(join(ROOT, 'jest.preset.cjs'))}), rootDir: __dirname };\n`);
  });
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('compiles with the workspace settings', () => {
    const base = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), (path) => ts.sys.readFile(path)).config as { compilerOptions: object };
    const { options } = ts.parseJsonConfigFileContent(
      { ...base, compilerOptions: { ...base.compilerOptions, noEmit: true, customConditions: ['@keyflow/source'], types: ['node', 'jest'] } },
      ts.sys,
      ROOT,
    );
    const program = ts.createProgram([join(DIR, 'order-tracker.function.spec.ts')], options);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('has a spec that passes', () => {
    const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', join(DIR, 'jest.config.cjs'), '--ci'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    expect(jest.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(jest.status).toBe(0);
  });
});
