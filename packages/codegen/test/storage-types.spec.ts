// The typed storage is only worth something if the compiler enforces it: this suite type-checks
// generated code together with code that uses it, against the real @keyflow/sdk sources.
import { join } from 'node:path';
import { Project, type SourceFile } from 'ts-morph';
import { generateProject } from '../src/codegen/generate-project';
import { memoryProjectFiles } from '../src/test-support/project-sources';
import { WORKSPACE_ROOT } from '../src/test-support/temp-workspace';

// Real buf runs and type checks are slow on a loaded machine.
jest.setTimeout(30_000);

// A folder that exists only inside the ts-morph project: nothing is written to disk.
const PROJECT_ROOT = 'packages/codegen/test/__virtual__/demo';

const SOURCES: Record<string, string> = {
  'src/functions/messages.ts': [
    "import { jsonType } from '@keyflow/sdk';",
    'export interface Greeting { readonly text: string }',
    "export const GreetingType = jsonType<Greeting>('example/Greeting');",
  ].join('\n'),
  'src/functions/greeter.function.ts': [
    "import { StatefulFunction, Types, ValueSpec, type Message } from '@keyflow/sdk';",
    "import type { GreeterContext } from '../generated/storage.generated';",
    "import { GreetingType, type Greeting } from './messages';",
    "@StatefulFunction('example/greeter')",
    'export class Greeter {',
    "  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;",
    '  @ValueSpec({ type: GreetingType }) last?: Greeting;',
    '  apply(ctx: GreeterContext, msg: Message): void {',
    '    ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;',
    '    if (msg.is(GreetingType)) ctx.storage.last = msg.as(GreetingType);',
    '  }',
    '}',
  ].join('\n'),
  'src/functions/cart.function.ts': [
    "import { ListSpec, MapSpec, StatefulFunction, Types, type ListState, type MapState, type Message } from '@keyflow/sdk';",
    "import type { CartContext } from '../generated/storage.generated';",
    "@StatefulFunction('shop/cart')",
    'export class Cart {',
    "  @MapSpec({ value: Types.int, expireAfterWrite: '30d' }) lines?: MapState<number>;",
    '  @ListSpec({ type: Types.string, maxLength: 10 }) history?: ListState<string>;',
    '  async apply(ctx: CartContext, msg: Message): Promise<void> {',
    '    const sku = msg.asString();',
    '    ctx.storage.lines.set(sku, ((await ctx.storage.lines.get(sku)) ?? 0) + 1);',
    '    ctx.storage.history.append(sku);',
    '  }',
    '}',
  ].join('\n'),
  'src/cart-usage.ts': [
    "import type { CartContext } from './generated/storage.generated';",
    'export async function correct(ctx: CartContext): Promise<number> {',
    "  ctx.storage.lines.delete('a');",
    "  ctx.storage.history.replaceAll(['x']);",
    '  return (await ctx.storage.lines.size()) + ctx.storage.history.length;',
    '}',
    'export function wrongValueType(ctx: CartContext): void {',
    "  ctx.storage.lines.set('a', 'one');",
    '}',
    'export function misspelled(ctx: CartContext): void {',
    "  ctx.storage.line.set('a', 1);",
    '}',
    'export function wrongElementType(ctx: CartContext): void {',
    '  ctx.storage.history.append(1);',
    '}',
    'export function assigned(ctx: CartContext): void {',
    '  ctx.storage.lines = ctx.storage.lines;',
    '}',
  ].join('\n'),
  'src/usage.ts': [
    "import type { Message } from '@keyflow/sdk';",
    "import { GreeterMessages, type GreeterContext } from './generated/storage.generated';",
    'export function correct(ctx: GreeterContext, _msg: Message): void {',
    '  ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;',
    '  ctx.storage.seen = undefined;',
    "  ctx.send(GreeterMessages.greeting('alice', { text: 'hi' }));",
    '}',
    'export function misspelled(ctx: GreeterContext): void {',
    '  ctx.storage.sen = 1;',
    '}',
    'export function wrongValueType(ctx: GreeterContext): void {',
    "  ctx.storage.seen = 'one';",
    '}',
    'export function wrongMessage(): void {',
    "  GreeterMessages.greeting('alice', { txt: 'hi' });",
    '}',
  ].join('\n'),
};

describe('typed storage, type-checked against the sdk', () => {
  let files: Map<string, SourceFile>;

  beforeAll(() => {
    const inWorkspace = Object.fromEntries(Object.entries(SOURCES).map(([path, text]) => [`${PROJECT_ROOT}/${path}`, text]));
    const generated = generateProject(memoryProjectFiles(inWorkspace), { projectName: 'demo', projectRoot: PROJECT_ROOT });
    expect(generated.errors).toEqual([]);
    const project = new Project({ tsConfigFilePath: join(WORKSPACE_ROOT, 'packages/codegen/tsconfig.json'), skipAddingFilesFromTsConfig: true });
    files = new Map();
    const all = { ...inWorkspace, ...Object.fromEntries(generated.files.filter((f) => f.path.endsWith('.ts')).map((f) => [f.path, f.content])) };
    for (const [path, text] of Object.entries(all)) files.set(path, project.createSourceFile(join(WORKSPACE_ROOT, path), text));
  });

  function diagnostics(path: string): string[] {
    const file = files.get(`${PROJECT_ROOT}/${path}`);
    if (!file) throw new Error(`no file ${path}`);
    return file.getPreEmitDiagnostics().map((d) => `${d.getLineNumber() ?? 0}: TS${d.getCode()}`);
  }

  it('generated code and a function using its Context compile cleanly, and the registry accepts the class', () => {
    expect(diagnostics('src/generated/storage.generated.ts')).toEqual([]);
    expect(diagnostics('src/generated/functions.generated.ts')).toEqual([]);
    expect(diagnostics('src/functions/greeter.function.ts')).toEqual([]);
    expect(diagnostics('src/functions/cart.function.ts')).toEqual([]);
  });

  it('a map or list of the wrong value type, a misspelled map, an assignment to a handle do not compile', () => {
    // TS2345: argument not assignable; TS2551: property does not exist (did you mean …); TS2540: read-only property.
    expect(diagnostics('src/cart-usage.ts')).toEqual(['8: TS2345', '11: TS2551', '14: TS2345', '17: TS2540']);
  });

  it('a misspelled state name, a wrong value type and a wrong message value do not compile', () => {
    // TS2551: property does not exist (did you mean …); TS2322: not assignable; TS2561: unknown property in object literal.
    expect(diagnostics('src/usage.ts')).toEqual(['9: TS2551', '12: TS2322', '15: TS2561']);
  });
});
