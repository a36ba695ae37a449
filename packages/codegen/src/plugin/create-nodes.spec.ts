import type { CreateNodesContext } from '@nx/devkit';
import { TempWorkspace, WORKSPACE_ROOT } from '../test-support/temp-workspace';
import { FUNCTION_FILES_GLOB, createNodes, createNodesV2, inferTargets } from './create-nodes';

describe('the codegen plugin (createNodes)', () => {
  let workspace: TempWorkspace;
  beforeEach(() => {
    workspace = new TempWorkspace();
    workspace.write({
      'apps/examples/project.json': JSON.stringify({ name: 'examples', targets: { build: {}, test: {}, lint: {}, start: {} } }),
      'apps/examples/src/functions/greeter.function.ts': '',
      'apps/examples/src/functions/inbox.function.ts': '',
      'apps/examples/src/generated/stray.function.ts': '',
      'libs/plain/package.json': JSON.stringify({ name: 'plain', scripts: { build: 'tsc', typecheck: 'tsc --noEmit' } }),
      'libs/plain/src/deep/thing.function.ts': '',
      'libs/other/project.json': JSON.stringify({ name: 'other' }),
      'libs/other/fixtures/src/fixture.function.ts': '',
      'tools/src/loose.function.ts': '',
    });
  });
  afterEach(() => workspace.remove());

  async function infer(files: string[], options = {}) {
    const context: CreateNodesContext = { nxJsonConfiguration: {}, workspaceRoot: workspace.root };
    return await createNodes[1](files, options, context);
  }

  it('matches src/**/*.function.ts and exports the same pair as createNodesV2', () => {
    expect(createNodes[0]).toBe(FUNCTION_FILES_GLOB);
    expect(FUNCTION_FILES_GLOB).toBe('**/src/**/*.function.ts');
    expect(createNodesV2).toBe(createNodes);
  });

  it('adds codegen and check-generated once per project with function files under src/', async () => {
    const results = await infer([
      'apps/examples/src/functions/inbox.function.ts',
      'apps/examples/src/functions/greeter.function.ts',
      'apps/examples/src/generated/stray.function.ts',
      'libs/plain/src/deep/thing.function.ts',
      'libs/other/fixtures/src/fixture.function.ts',
      'tools/src/loose.function.ts',
    ]);
    expect(results.map(([file, result]) => [file, Object.keys(result.projects ?? {})])).toEqual([
      ['apps/examples/src/functions/greeter.function.ts', ['apps/examples']],
      ['libs/plain/src/deep/thing.function.ts', ['libs/plain']],
    ]);
    const examples = results[0]?.[1].projects?.['apps/examples']?.targets ?? {};
    expect(Object.keys(examples)).toEqual(['codegen', 'check-generated', 'build', 'test', 'lint', 'start']);
    expect(examples['build']).toEqual({ dependsOn: ['...', 'codegen'] });
    const plain = results[1]?.[1].projects?.['libs/plain']?.targets ?? {};
    expect(Object.keys(plain)).toEqual(['codegen', 'check-generated', 'build', 'typecheck']);
  });

  it('declares inputs and outputs so Nx can cache codegen', () => {
    const targets = inferTargets('apps/examples', new Set(), {}, WORKSPACE_ROOT);
    expect(targets['codegen']).toMatchObject({
      executor: '@keyflow/codegen:codegen',
      cache: true,
      outputs: [
        '{projectRoot}/src/generated/functions.generated.ts',
        '{projectRoot}/src/generated/storage.generated.ts',
        '{projectRoot}/src/generated/proto',
        '{projectRoot}/deploy/module.yaml',
        '{projectRoot}/deploy/statefun',
        '{projectRoot}/deploy/k8s',
      ],
    });
    expect(targets['codegen']?.inputs).toEqual(
      expect.arrayContaining([
        '{projectRoot}/src/**/*.ts',
        '!{projectRoot}/src/generated/**/*',
        '!{projectRoot}/src/**/*.spec.ts',
        '{projectRoot}/proto/**/*',
        '{projectRoot}/keyflow.io.yaml',
        // Codegen's own sources, so changing codegen invalidates the cache.
        '{workspaceRoot}/packages/codegen/src/**/*',
        { externalDependencies: ['@bufbuild/buf', '@bufbuild/protoc-gen-es'] },
      ]),
    );
    // Outside this workspace, codegen is an installed package: its version is the input.
    expect(inferTargets('apps/examples', new Set(), {}, workspace.root)['codegen']?.inputs).toContainEqual({
      externalDependencies: ['@keyflow/codegen', '@bufbuild/buf', '@bufbuild/protoc-gen-es'],
    });
    expect(targets['check-generated']).toMatchObject({
      executor: '@keyflow/codegen:check-generated',
      options: { codegenTarget: 'codegen' },
      cache: true,
    });
    expect(targets['check-generated']?.inputs).toEqual(expect.arrayContaining(['{projectRoot}/src/generated/**/*', '{projectRoot}/deploy/**/*']));
    // Nx applies exclusions to every file input of the target: none may hide the generated files.
    expect(targets['check-generated']?.inputs).not.toContain('!{projectRoot}/src/generated/**/*');
  });

  it('takes target names and the dependent targets as options', () => {
    const targets = inferTargets('p', new Set(['build', 'e2e']), { targetName: 'gen', checkTargetName: 'gen-check', dependentTargets: ['e2e'] }, '/');
    expect(Object.keys(targets)).toEqual(['gen', 'gen-check', 'e2e']);
    expect(targets['e2e']).toEqual({ dependsOn: ['...', 'gen'] });
    expect(targets['gen-check']?.options).toEqual({ codegenTarget: 'gen' });
  });
});
