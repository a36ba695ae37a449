import { scanProject } from '../scanner/scan-project';
import { SDK_IMPORT, projectSources } from '../test-support/project-sources';
import { emitStorage } from './storage-emitter';

const MESSAGES = [
  "import { jsonType } from '@keyflow/sdk';",
  'export interface Greeting { readonly text: string }',
  "export const GreetingType = jsonType<Greeting>('example/Greeting');",
  '',
].join('\n');

const GREETER = [
  SDK_IMPORT,
  "import { GreetingType } from './messages';",
  "const Secret = jsonType<string>('example/Secret');",
  "@StatefulFunction('example/greeter')",
  'export class Greeter {',
  "  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;",
  "  @ValueSpec({ type: GreetingType, name: 'last_greeting', expireAfterWrite: '1d' }) last?: { text: string };",
  '  apply(ctx: Context<Greeter>, msg: Message): void {',
  '    if (msg.isString()) return;',
  '    msg.as(GreetingType);',
  '    msg.as(Secret);',
  '  }',
  '}',
  '',
].join('\n');

function storageOf(files: Record<string, string>): string {
  const { functions, errors } = scanProject(projectSources(files));
  expect(errors).toEqual([]);
  return emitStorage({ projectName: 'demo', projectRoot: 'apps/demo', functions }).content;
}

describe('emitStorage', () => {
  const content = storageOf({ 'src/functions/messages.ts': MESSAGES, 'src/functions/greeter.function.ts': GREETER });

  it('types each state as the field the class declares, with its wire name and TTL in the doc', () => {
    expect(content).toContain(
      [
        '/** The state of `example/greeter` (class {@link Greeter}): the exact type of `ctx.storage`. */',
        'export interface GreeterStorage {',
        '  /** State `seen` (`Types.int`, io.statefun.types/int), expires 30m after the last call. */',
        "  seen?: Greeter['seen'];",
        '  /** State `last_greeting` (`GreetingType`, example/Greeting), expires 1d after the last write. */',
        "  last?: Greeter['last'];",
        '}',
      ].join('\n'),
    );
    expect(content).toContain('export type GreeterContext = Context<GreeterStorage>;');
    expect(content).toContain("  'example/greeter': GreeterStorage;");
  });

  it('builds typed messages for the types apply reads, importing them from where they live', () => {
    expect(content).toContain("import { type Context, type MessageSpec, Types, type ValueOf } from '@keyflow/sdk';");
    expect(content).toContain("import type { Greeter } from '../functions/greeter.function';");
    expect(content).toContain("import { GreetingType } from '../functions/messages';");
    expect(content).toContain(
      [
        'export const GreeterMessages = {',
        '  /** A `io.statefun.types/string` message to the instance `id` of `example/greeter`. */',
        '  string: (id: string, value: ValueOf<typeof Types.string>): MessageSpec<ValueOf<typeof Types.string>> => ({',
        "    target: { typename: 'example/greeter', id },",
        '    value,',
        '    type: Types.string,',
        '  }),',
        '  /** A `example/Greeting` message to the instance `id` of `example/greeter`. */',
        '  greeting: (id: string, value: ValueOf<typeof GreetingType>): MessageSpec<ValueOf<typeof GreetingType>> => ({',
      ].join('\n'),
    );
  });

  it('says which message types it could not import', () => {
    expect(content).toContain(' * It also reads `Secret`, which generated code cannot import;');
  });

  it('starts with the generated header and is deterministic', () => {
    expect(content.startsWith('// @generated — do not edit. Regenerate with: npx nx run demo:codegen\n')).toBe(true);
    expect(storageOf({ 'src/functions/greeter.function.ts': GREETER, 'src/functions/messages.ts': MESSAGES })).toBe(content);
  });

  it('types map and list fields as read-only handles that are always there, with kind, limits and TTL in the doc', () => {
    const cart = storageOf({
      'src/functions/cart.function.ts': [
        "import { StatefulFunction, MapSpec, ListSpec, Types, type Context, type ListState, type MapState } from '@keyflow/sdk';",
        "@StatefulFunction('shop/cart')",
        'export class Cart {',
        "  @MapSpec({ value: Types.int, expireAfterAccess: '1h' }) counts?: MapState<number>;",
        "  @ListSpec({ type: Types.string, maxLength: 1000, name: 'events' }) history?: ListState<string>;",
        '  apply(ctx: Context<Cart>): void {}',
        '}',
      ].join('\n'),
    });
    expect(cart).toContain(
      [
        'export interface CartStorage {',
        '  /** Map state `counts` (values `Types.int`, io.statefun.types/int), entries expire 1h after the last read or write. */',
        "  readonly counts: NonNullable<Cart['counts']>;",
        '  /** List state `events` (elements `Types.string`, io.statefun.types/string), at most 1000 elements. */',
        "  readonly history: NonNullable<Cart['history']>;",
        '}',
      ].join('\n'),
    );
  });
});
