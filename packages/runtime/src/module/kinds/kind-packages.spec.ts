import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../../errors/runtime-error-codes';
import { useTempDir } from '../../test-support/temp-dir';
import { parseModule } from '../module-loader';
import { findKindPackages } from './kind-packages';

// A kind package as a third party would publish it: plain JavaScript, its kinds declared in its
// package.json, nothing named by the runtime.
const ACME_KINDS = `
exports.keyflowKinds = [{
  name: 'com.acme.v1/egress',
  role: 'egress',
  readSpec: (spec) => ({ id: spec.typename('id'), colour: spec.string('colour') }),
  create: (config) => ({ id: config.id, deliverySemantic: 'none', write: async () => {}, commit: async () => {}, close: async () => {} }),
}];
`;

async function writePackage(root: string, name: string, manifest: object, index?: string): Promise<void> {
  const folder = join(root, 'node_modules', ...name.split('/'));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...manifest }));
  if (index !== undefined) await writeFile(join(folder, 'index.js'), index);
}

describe('findKindPackages', () => {
  const project = useTempDir('kind-packages');

  it("registers the kinds of the dependencies whose package.json declares them, whatever their names", async () => {
    await writeFile(
      join(project.path, 'package.json'),
      JSON.stringify({ dependencies: { '@acme/kinds': '1.0.0', 'left-pad': '1.0.0' }, devDependencies: { 'not-installed': '1.0.0' } }),
    );
    await writePackage(project.path, '@acme/kinds', { keyflow: { kinds: '.' } }, ACME_KINDS);
    await writePackage(project.path, 'left-pad', {}, 'exports.keyflowKinds = "never read";');

    const found = findKindPackages([join(project.path, 'deploy')]);
    expect(found.map((entry) => [entry.name, entry.declaredIn, entry.kinds.map((kind) => kind.name)])).toEqual([
      ['@acme/kinds', join(project.path, 'package.json'), ['com.acme.v1/egress']],
    ]);
    const module = parseModule('kind: com.acme.v1/egress\nspec: { id: acme/out, colour: red }\n', join(project.path, 'module.yaml'), {
      kinds: found.flatMap((entry) => entry.kinds),
    });
    expect(module.components).toEqual([
      { kind: 'com.acme.v1/egress', role: 'egress', source: { file: join(project.path, 'module.yaml'), line: 1 }, config: { id: 'acme/out', colour: 'red' } },
    ]);
  });

  it('finds nothing in a project that depends on no kind package', async () => {
    await writeFile(join(project.path, 'package.json'), JSON.stringify({ dependencies: { 'left-pad': '1.0.0' } }));
    await writePackage(project.path, 'left-pad', {}, '');
    expect(findKindPackages([project.path]).filter((entry) => entry.declaredIn.startsWith(project.path))).toEqual([]);
  });

  it('refuses a package that declares kinds it does not export, with KF_KIND_PACKAGE_INVALID', async () => {
    await writeFile(join(project.path, 'package.json'), JSON.stringify({ dependencies: { broken: '1.0.0' } }));
    await writePackage(project.path, 'broken', { keyflow: { kinds: '.' } }, 'exports.kinds = [];');
    const error = (() => {
      try {
        findKindPackages([project.path]);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KeyflowError);
    expect((error as KeyflowError).code).toBe(RuntimeErrorCodes.KIND_PACKAGE_INVALID);
  });
});
