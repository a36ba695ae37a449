// Golden test of the example app: the committed files under apps/examples (src/generated/,
// deploy/) are the golden copies. After changing an emitter, run `npx nx run examples:codegen`
// and review the diff of those files.
import { generateProject } from '../src/codegen/generate-project';
import { diskProjectFiles } from '../src/codegen/project-files';
import { ownedDirs } from '../src/codegen/run-codegen';
import { planSync } from '../src/codegen/sync-generated-files';
import { WORKSPACE_ROOT } from '../src/test-support/temp-workspace';
import { parseYamlDocuments } from '../src/test-support/yaml-documents';

// Real buf runs and type checks are slow on a loaded machine.
jest.setTimeout(30_000);

const ROOT = 'apps/examples';

describe('golden: the example app', () => {
  const files = diskProjectFiles(WORKSPACE_ROOT);
  const result = generateProject(files, { projectName: 'examples', projectRoot: ROOT });
  const generated = (path: string): string => result.files.find((file) => file.path === `${ROOT}/${path}`)?.content ?? '';

  it('scans without errors and finds the example functions', () => {
    expect(result.errors).toEqual([]);
    const typenames = result.functions.map((fn) => fn.typename);
    expect(typenames).toEqual(expect.arrayContaining(['example/greeter', 'example/inbox']));
    expect(typenames).toEqual([...typenames].sort());
    const greeter = result.functions.find((fn) => fn.typename === 'example/greeter');
    expect(greeter?.states.map((state) => [state.name, state.type.typename, state.expiration?.millis])).toEqual([
      ['seen', 'io.statefun.types/int', 1_800_000],
    ]);
    const inbox = result.functions.find((fn) => fn.typename === 'example/inbox');
    expect(inbox?.accepts.map((type) => type.typename)).toEqual(['example/Greeting']);
  });

  it('emits byte for byte the committed files', () => {
    const plan = planSync(result.files, ownedDirs(ROOT).filter((dir) => !dir.endsWith('/proto')), files);
    expect({ stale: plan.changed.map((file) => file.path), obsolete: plan.obsolete }).toEqual({ stale: [], obsolete: [] });
    for (const file of result.files) expect(files.readFile(file.path)).toBe(file.content);
  });

  it('registers the functions for the runtime and types their storage', () => {
    expect(generated('src/generated/functions.generated.ts')).toMatch(
      /export const functions: readonly FunctionClass\[\] = \[(\w+, )*Greeter, (\w+, )*Inbox(, \w+)*\];/,
    );
    const storage = generated('src/generated/storage.generated.ts');
    expect(storage).toContain("  seen?: Greeter['seen'];");
    expect(storage).toMatch(/import \{ (\w+, )*GreetingType(, \w+)* \} from '\.\.\/functions\/messages';/);
  });

  it('writes a Keyflow module (embedded registry) and a StateFun module (remote endpoint) from keyflow.io.yaml', () => {
    const keyflow = parseYamlDocuments(generated('deploy/module.yaml')) as { kind: string; spec: Record<string, unknown> }[];
    expect(keyflow[0]).toEqual({
      kind: 'io.keyflow.endpoints.v1/embedded',
      spec: { functions: 'example/*', module: '../src/generated/functions.generated.ts' },
    });
    const io = files.readFile(`${ROOT}/keyflow.io.yaml`);
    if (io !== undefined) expect(keyflow.length).toBeGreaterThan(1);
    const statefun = parseYamlDocuments(generated('deploy/statefun/module.yaml')) as { kind: string }[];
    expect(statefun[0]).toMatchObject({
      kind: 'io.statefun.endpoints.v2/http',
      spec: { functions: 'example/*', urlPathTemplate: 'http://examples-functions:8000/statefun' },
    });
    expect(statefun.every((document) => document.kind.startsWith('io.statefun.'))).toBe(true);
  });
});
