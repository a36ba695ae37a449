import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { CodegenErrorCodes } from '../../errors/codegen-error-codes';
import { scanProject } from '../../scanner/scan-project';
import { readProjectSources } from '../../codegen/generate-project';
import { treeProjectFiles } from '../../nx/tree-project-files';
import { functionSource } from '../../test-support/project-sources';
import { functionGenerator } from './generator';

function workspaceWithExamples(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'examples', { root: 'apps/examples', sourceRoot: 'apps/examples/src', targets: {} });
  tree.write('apps/examples/src/functions/greeter.function.ts', functionSource('example/greeter', 'Greeter'));
  tree.write('apps/examples/src/functions/inbox.function.ts', functionSource('example/inbox', 'Inbox'));
  return tree;
}

describe('function generator', () => {
  it('scaffolds the class and its spec, and registers it by running codegen on the tree', async () => {
    const tree = workspaceWithExamples();
    await functionGenerator(tree, { name: 'audit', project: 'examples' });

    const source = tree.read('apps/examples/src/functions/audit.function.ts', 'utf-8') ?? '';
    expect(source).toContain("@StatefulFunction('example/audit')");
    expect(source).toContain('export class Audit {');
    expect(source).toContain('apply(ctx: Context<Audit>, msg: Message): void {');
    const spec = tree.read('apps/examples/src/functions/audit.function.spec.ts', 'utf-8') ?? '';
    expect(spec).toContain("import { Audit } from './audit.function';");
    expect(spec).toContain("import { TestKit } from '@keyflow/testing';");
    expect(spec).toContain("const instance = { typename: 'example/audit', id: 'id-1' };");
    expect(spec).toContain('kit = await TestKit.start({ functions: [Audit] });');
    expect(spec).toContain("await kit.advance('1d');");
    expect(spec).not.toContain('@keyflow/sdk/protocol');

    const registry = tree.read('apps/examples/src/generated/functions.generated.ts', 'utf-8') ?? '';
    expect(registry).toContain("import { Audit } from '../functions/audit.function';");
    expect(registry).toContain('export const functions: readonly FunctionClass[] = [Audit, Greeter, Inbox];');
    expect(tree.read('apps/examples/src/generated/storage.generated.ts', 'utf-8')).toContain('export interface AuditStorage {');
    expect(tree.read('apps/examples/deploy/module.yaml', 'utf-8')).toContain('functions: example/*');

    // What `nx g … --dry-run` prints is this list of changes.
    expect(
      tree
        .listChanges()
        .filter((change) => change.path.startsWith('apps/examples/'))
        .map((change) => `${change.type} ${change.path}`)
        .sort(),
    ).toEqual(
      [
        'CREATE apps/examples/deploy/k8s/functions-deployment.yaml',
        'CREATE apps/examples/deploy/k8s/functions-service.yaml',
        'CREATE apps/examples/deploy/k8s/runtime-configmap.yaml',
        'CREATE apps/examples/deploy/k8s/runtime-service.yaml',
        'CREATE apps/examples/deploy/k8s/runtime-settings.yaml',
        'CREATE apps/examples/deploy/k8s/runtime-statefulset.yaml',
        'CREATE apps/examples/deploy/module.yaml',
        'CREATE apps/examples/deploy/statefun/flink-deployment.yaml',
        'CREATE apps/examples/deploy/statefun/module-configmap.yaml',
        'CREATE apps/examples/deploy/statefun/module.yaml',
        'CREATE apps/examples/project.json',
        'CREATE apps/examples/src/functions/audit.function.spec.ts',
        'CREATE apps/examples/src/functions/audit.function.ts',
        'CREATE apps/examples/src/functions/greeter.function.ts',
        'CREATE apps/examples/src/functions/inbox.function.ts',
        'CREATE apps/examples/src/generated/functions.generated.ts',
        'CREATE apps/examples/src/generated/storage.generated.ts',
      ].sort(),
    );
  });

  it('scaffolds a function the scanner reads without errors, with its states and message type', async () => {
    const tree = workspaceWithExamples();
    await functionGenerator(tree, { name: 'order-tracker', project: 'examples', skipCodegen: true });
    const { functions, errors } = scanProject(readProjectSources(treeProjectFiles(tree), 'apps/examples'));
    expect(errors).toEqual([]);
    const tracker = functions.find((fn) => fn.typename === 'example/order-tracker');
    expect(tracker).toMatchObject({ className: 'OrderTracker' });
    expect(tracker?.states.map((state) => [state.name, state.type.typename, state.expiration?.mode])).toEqual([
      ['handled', 'io.statefun.types/int', undefined],
      ['lastText', 'io.statefun.types/string', 'after-write'],
    ]);
    expect(tracker?.accepts.map((type) => type.typename)).toEqual(['io.statefun.types/string']);
    expect(tree.exists('apps/examples/src/generated/functions.generated.ts')).toBe(false);
  });

  it('takes the namespace from an option, else from the project name when it has no functions', async () => {
    const tree = workspaceWithExamples();
    await functionGenerator(tree, { name: 'ledger', project: 'examples', namespace: 'com.bank', skipCodegen: true });
    expect(tree.read('apps/examples/src/functions/ledger.function.ts', 'utf-8')).toContain("@StatefulFunction('com.bank/ledger')");

    addProjectConfiguration(tree, 'shop', { root: 'apps/shop', targets: {} });
    await functionGenerator(tree, { name: 'cart', project: 'shop', directory: 'src/carts' });
    expect(tree.read('apps/shop/src/carts/cart.function.ts', 'utf-8')).toContain("@StatefulFunction('shop/cart')");
    expect(tree.read('apps/shop/src/generated/functions.generated.ts', 'utf-8')).toContain("import { Cart } from '../carts/cart.function';");
  });

  it('refuses a typename that exists, a file that exists, and a name that is not a file name', async () => {
    const tree = workspaceWithExamples();
    await expect(functionGenerator(tree, { name: 'greeter', project: 'examples' })).rejects.toMatchObject({
      code: CodegenErrorCodes.DUPLICATE_TYPENAME,
    });
    tree.write('apps/examples/src/functions/clash.function.ts', '// hand-written\n');
    await expect(functionGenerator(tree, { name: 'clash', project: 'examples' })).rejects.toMatchObject({
      code: CodegenErrorCodes.INVALID_OPTION,
    });
    await expect(functionGenerator(tree, { name: '9lives', project: 'examples' })).rejects.toMatchObject({
      code: CodegenErrorCodes.INVALID_OPTION,
    });
  });

  it('fails, listing the problems, when the project already has codegen errors', async () => {
    const tree = workspaceWithExamples();
    tree.write('apps/examples/src/functions/broken.function.ts', functionSource('broken', 'Broken'));
    await expect(functionGenerator(tree, { name: 'audit', project: 'examples' })).rejects.toThrow(
      /apps\/examples\/src\/functions\/broken\.function\.ts:3:19 \[KF_CODEGEN_INVALID_TYPENAME\]/,
    );
  });

  it("adds the test kit its spec uses to the project's package.json, once", async () => {
    const tree = workspaceWithExamples();
    tree.write('apps/examples/package.json', JSON.stringify({ name: '@acme/app', dependencies: { '@keyflow/sdk': '^0.1.0' } }));
    await functionGenerator(tree, { name: 'audit', project: 'examples', skipCodegen: true });
    await functionGenerator(tree, { name: 'billing', project: 'examples', skipCodegen: true });
    expect(JSON.parse(tree.read('apps/examples/package.json', 'utf-8') ?? '{}')).toEqual({
      name: '@acme/app',
      dependencies: { '@keyflow/sdk': '^0.1.0' },
      devDependencies: { '@keyflow/testing': '^0.1.0' },
    });
  });

  it('leaves existing protobuf classes alone (it does not regenerate them)', async () => {
    const tree = workspaceWithExamples();
    const proto = 'apps/examples/src/generated/proto/example/order_pb.ts';
    tree.write(proto, '// @generated — do not edit. Regenerate with: npx nx run examples:codegen\nexport {};\n');
    await functionGenerator(tree, { name: 'audit', project: 'examples' });
    expect(tree.exists(proto)).toBe(true);
  });
});
