import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { functionSource, inProject } from '../test-support/project-sources';
import { TempWorkspace } from '../test-support/temp-workspace';
import { runCodegen, staleOutputsError } from './run-codegen';

describe('runCodegen on disk', () => {
  let workspace: TempWorkspace;
  const run = (mode: 'write' | 'check') =>
    runCodegen({ workspaceRoot: workspace.root, projectName: 'demo', projectRoot: 'apps/demo', mode });

  beforeEach(() => {
    workspace = new TempWorkspace();
    workspace.write(inProject({ 'src/functions/greeter.function.ts': functionSource('example/greeter', 'Greeter') }));
  });
  afterEach(() => workspace.remove());

  it('writes everything once; a second run changes nothing, not even modification times', async () => {
    const first = await run('write');
    expect(first.errors).toEqual([]);
    expect(first.changed).toHaveLength(12);
    const registry = join(workspace.root, 'apps/demo/src/generated/functions.generated.ts');
    const before = statSync(registry).mtimeMs;

    const second = await run('write');
    expect(second).toEqual({ errors: [], changed: [], obsolete: [], unchanged: first.changed });
    expect(statSync(registry).mtimeMs).toBe(before);
  });

  it('check mode lists stale and obsolete files, touches nothing, and leaves hand-written files alone', async () => {
    await run('write');
    workspace.write(
      inProject({
        'src/functions/greeter.function.ts': functionSource('example/greeter', 'Greeter', '  @ValueSpec({ type: Types.int }) seen?: number;'),
        'deploy/k8s/old.yaml': '# @generated — do not edit. Regenerate with: npx nx run demo:codegen\nkind: Old\n',
        'deploy/k8s/kustomization.yaml': 'resources: []\n',
      }),
    );
    const storageBefore = workspace.read('apps/demo/src/generated/storage.generated.ts');

    const check = await run('check');
    expect(check.changed).toEqual(['apps/demo/src/generated/storage.generated.ts']);
    expect(check.obsolete).toEqual(['apps/demo/deploy/k8s/old.yaml']);
    expect(workspace.read('apps/demo/src/generated/storage.generated.ts')).toBe(storageBefore);
    const error = staleOutputsError('demo', check);
    expect(error?.code).toBe(CodegenErrorCodes.STALE_OUTPUTS);
    expect(error?.message).toContain('stale:    apps/demo/src/generated/storage.generated.ts');
    expect(error?.message).toContain('obsolete: apps/demo/deploy/k8s/old.yaml');
    expect(error?.message).toContain('Run: npx nx run demo:codegen');

    await run('write');
    expect(workspace.exists('apps/demo/deploy/k8s/old.yaml')).toBe(false);
    expect(workspace.exists('apps/demo/deploy/k8s/kustomization.yaml')).toBe(true);
    expect(workspace.read('apps/demo/src/generated/storage.generated.ts')).toContain("seen?: Greeter['seen'];");
    expect(staleOutputsError('demo', await run('check'))).toBeUndefined();
  });

  it('writes nothing when the sources have errors, and returns all of them', async () => {
    workspace.write(
      inProject({
        'src/functions/a.function.ts': functionSource('example/greeter', 'A'),
        'src/functions/b.function.ts': functionSource('bad', 'B'),
      }),
    );
    const report = await run('write');
    // Sorted by location: b.function.ts, then greeter.function.ts (the second 'example/greeter').
    expect(report.errors.map((error) => [error.location?.file, error.code])).toEqual([
      ['apps/demo/src/functions/b.function.ts', CodegenErrorCodes.INVALID_TYPENAME],
      ['apps/demo/src/functions/greeter.function.ts', CodegenErrorCodes.DUPLICATE_TYPENAME],
    ]);
    expect(workspace.exists('apps/demo/src/generated')).toBe(false);
  });
});
