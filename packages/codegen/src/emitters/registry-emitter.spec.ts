import { scanProject } from '../scanner/scan-project';
import { SDK_IMPORT, functionSource, projectSources } from '../test-support/project-sources';
import { emitRegistry } from './registry-emitter';

function registryOf(files: Record<string, string>): string {
  const { functions, errors } = scanProject(projectSources(files));
  expect(errors).toEqual([]);
  return emitRegistry({ projectName: 'demo', projectRoot: 'apps/demo', functions }).content;
}

describe('emitRegistry', () => {
  it('imports, re-exports and lists every function class, sorted by typename', () => {
    const content = registryOf({
      'src/functions/inbox.function.ts': functionSource('example/inbox', 'Inbox'),
      'src/functions/greeter.function.ts': functionSource('example/greeter', 'Greeter'),
    });
    expect(content).toBe(
      [
        '// @generated — do not edit. Regenerate with: npx nx run demo:codegen',
        '// The function registry of project demo: every @StatefulFunction class, sorted',
        '// by typename. The runtime imports this module (see deploy/module.yaml) instead of scanning files.',
        '',
        "import type { FunctionClass } from '@keyflow/sdk';",
        "import { Greeter } from '../functions/greeter.function';",
        "import { Inbox } from '../functions/inbox.function';",
        '',
        'export { Greeter, Inbox };',
        '',
        '/** Every function of project demo, sorted by typename. */',
        'export const functions: readonly FunctionClass[] = [Greeter, Inbox];',
        '',
        '/** The typename of each class in {@link functions}, in the same order. */',
        "export const typenames = ['example/greeter', 'example/inbox'] as const;",
        '',
      ].join('\n'),
    );
  });

  it('gives classes that share a name distinct local names, and imports default and renamed exports', () => {
    const content = registryOf({
      'src/a/counter.function.ts': functionSource('a/counter', 'Counter'),
      'src/b/counter.function.ts': functionSource('b/counter', 'Counter'),
      'src/c.function.ts': `${SDK_IMPORT}\n@StatefulFunction('c/default') export default class Defaulted { apply(): void {} }\n`,
      'src/d.function.ts': `${SDK_IMPORT}\n@StatefulFunction('d/renamed') class Inner { apply(): void {} }\nexport { Inner as Outer };\n`,
    });
    expect(content).toContain("import { Counter } from '../a/counter.function';");
    expect(content).toContain("import { Counter as Counter2 } from '../b/counter.function';");
    expect(content).toContain("import Defaulted from '../c.function';");
    expect(content).toContain("import { Outer as Inner } from '../d.function';");
    expect(content).toContain('export const functions: readonly FunctionClass[] = [Counter, Counter2, Defaulted, Inner];');
  });

  it('is deterministic: the same sources in any order give the same bytes', () => {
    const files = {
      'src/x.function.ts': functionSource('example/x', 'X'),
      'src/y.function.ts': functionSource('example/y', 'Y'),
      'src/z.function.ts': functionSource('example/a', 'Z'),
    };
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(registryOf(reversed)).toBe(registryOf(files));
  });

  it('emits an empty registry for a project without functions', () => {
    expect(registryOf({})).toContain('export const functions: readonly FunctionClass[] = [];');
  });
});
