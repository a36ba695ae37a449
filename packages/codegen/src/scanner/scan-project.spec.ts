import { KeyflowError } from '@keyflow/sdk';
import { CodegenError } from '../errors/codegen-error';
import { CodegenErrorCodes } from '../errors/codegen-error-codes';
import { SDK_IMPORT, functionSource, projectSources } from '../test-support/project-sources';
import { scanProject } from './scan-project';

const COLLECTIONS_IMPORT =
  "import { StatefulFunction, ValueSpec, MapSpec, ListSpec, Types, jsonType, type Context, type ListState, type MapState, type Message } from '@keyflow/sdk';";

function scan(files: Record<string, string>) {
  return scanProject(projectSources(files));
}

function codesOf(files: Record<string, string>): string[] {
  return scan(files).errors.map((error) => error.code);
}

describe('scanProject', () => {
  describe('finds functions', () => {
    it('reads typenames, states, value types, TTLs and the messages apply reads', () => {
      const { functions, errors } = scan({
        'src/functions/messages.ts': `import { jsonType } from '@keyflow/sdk';\nexport const GreetingType = jsonType<{ text: string }>('example/Greeting');\n`,
        'src/functions/greeter.function.ts': [
          SDK_IMPORT,
          "import { GreetingType } from './messages';",
          '',
          "@StatefulFunction('example/greeter')",
          'export class Greeter {',
          "  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;",
          "  @ValueSpec({ type: GreetingType, name: 'last_greeting', expireAfterWrite: 60000 }) last?: { text: string };",
          '  apply(ctx: Context<Greeter>, msg: Message): void {',
          '    if (msg.isString()) ctx.storage.seen = 1;',
          '    const greeting = msg.as(GreetingType);',
          '    if (msg.is(Types.string)) ctx.storage.last = greeting;',
          '  }',
          '}',
        ].join('\n'),
      });

      expect(errors).toEqual([]);
      expect(functions).toHaveLength(1);
      const [greeter] = functions;
      expect(greeter).toMatchObject({
        typename: 'example/greeter',
        namespace: 'example',
        name: 'greeter',
        className: 'Greeter',
        symbol: { module: 'apps/demo/src/functions/greeter.function', isPackage: false, exportName: 'Greeter' },
        location: { file: 'apps/demo/src/functions/greeter.function.ts', line: 5, column: 14 },
      });
      expect(greeter?.states).toEqual([
        {
          kind: 'value',
          property: 'seen',
          name: 'seen',
          type: {
            expression: 'Types.int',
            typename: 'io.statefun.types/int',
            importable: { symbol: { module: '@keyflow/sdk', isPackage: true, exportName: 'Types' }, path: ['int'] },
          },
          maxLength: undefined,
          fieldType: 'number',
          expiration: { mode: 'after-call', text: "'30m'", millis: 1_800_000 },
          location: { file: 'apps/demo/src/functions/greeter.function.ts', line: 6, column: 3 },
        },
        {
          kind: 'value',
          property: 'last',
          name: 'last_greeting',
          type: {
            expression: 'GreetingType',
            typename: 'example/Greeting',
            importable: {
              symbol: { module: 'apps/demo/src/functions/messages', isPackage: false, exportName: 'GreetingType' },
              path: [],
            },
          },
          maxLength: undefined,
          fieldType: '{ text: string }',
          expiration: { mode: 'after-write', text: '60000', millis: 60_000 },
          location: { file: 'apps/demo/src/functions/greeter.function.ts', line: 7, column: 3 },
        },
      ]);
      // isString() and is(Types.string) are one type; order of first use.
      expect(greeter?.accepts.map((type) => type.typename)).toEqual(['io.statefun.types/string', 'example/Greeting']);
    });

    it('reads @MapSpec and @ListSpec fields as map and list states, with their value types, TTLs and maxLength', () => {
      const { functions, errors } = scan({
        'src/cart.function.ts': functionSource(
          'shop/cart',
          'Cart',
          [
            "  @MapSpec({ value: Types.int, expireAfterAccess: '1h' }) counts?: MapState<number>;",
            "  @ListSpec({ type: Types.string, maxLength: HISTORY, name: 'events', expireAfterWrite: '7d' }) history?: ListState<string>;",
            '  @ValueSpec({ type: Types.int }) version?: number;',
          ].join('\n'),
          `${COLLECTIONS_IMPORT}\nconst HISTORY = 1000;`,
        ),
      });
      expect(errors).toEqual([]);
      expect(
        functions[0]?.states.map((state) => [state.kind, state.property, state.name, state.type.typename, state.maxLength, state.expiration?.mode, state.fieldType]),
      ).toEqual([
        ['map', 'counts', 'counts', 'io.statefun.types/int', undefined, 'after-access', 'MapState<number>'],
        ['list', 'history', 'events', 'io.statefun.types/string', 1000, 'after-write', 'ListState<string>'],
        ['value', 'version', 'version', 'io.statefun.types/int', undefined, undefined, 'number'],
      ]);
    });

    it('sorts functions by typename, whatever the file order', () => {
      const { functions } = scan({
        'src/a.function.ts': functionSource('shop/cart', 'Cart'),
        'src/b.function.ts': functionSource('example/zebra', 'Zebra'),
        'src/c.function.ts': functionSource('example/apple', 'Apple'),
      });
      expect(functions.map((fn) => fn.typename)).toEqual(['example/apple', 'example/zebra', 'shop/cart']);
    });

    it('recognizes the sdk decorators under an alias or through a namespace import', () => {
      const { functions, errors } = scan({
        'src/aliased.function.ts': [
          "import { StatefulFunction as Fn, ValueSpec as State, Types as T, type Context, type Message } from '@keyflow/sdk';",
          "@Fn('example/aliased') export class Aliased {",
          '  @State({ type: T.long }) total?: number;',
          '  apply(ctx: Context<Aliased>, msg: Message): void { msg.as(T.bool); }',
          '}',
        ].join('\n'),
        'src/namespaced.function.ts': [
          "import * as sdk from '@keyflow/sdk';",
          "@sdk.StatefulFunction('example/namespaced') export class Namespaced {",
          '  @sdk.ValueSpec({ type: sdk.Types.double }) ratio?: number;',
          '  apply(ctx: sdk.Context<Namespaced>, msg: sdk.Message): void {}',
          '}',
        ].join('\n'),
      });
      expect(errors).toEqual([]);
      expect(functions.map((fn) => [fn.typename, fn.states.map((state) => state.type.typename)])).toEqual([
        ['example/aliased', ['io.statefun.types/long']],
        ['example/namespaced', ['io.statefun.types/double']],
      ]);
      expect(functions[0]?.accepts[0]).toMatchObject({ expression: 'T.bool', typename: 'io.statefun.types/bool' });
    });

    it('reads typenames from constants, also imported ones, and templates', () => {
      const { functions, errors } = scan({
        'src/names.ts': "export const NAMESPACE = 'com.example';\n",
        'src/counter.function.ts': [
          SDK_IMPORT,
          "import { NAMESPACE } from './names';",
          'const NAME = `${NAMESPACE}/counter`;',
          '@StatefulFunction(NAME)',
          'export class Counter { apply(): void {} }',
        ].join('\n'),
      });
      expect(errors).toEqual([]);
      expect(functions[0]).toMatchObject({ typename: 'com.example/counter', namespace: 'com.example', name: 'counter' });
    });

    it('accepts every export form, and any source under src/ that uses @StatefulFunction', () => {
      const { functions, errors } = scan({
        'src/later.function.ts': `${SDK_IMPORT}\n@StatefulFunction('example/later') class Later { apply(): void {} }\nexport { Later as Renamed };\n`,
        'src/default.function.ts': `${SDK_IMPORT}\n@StatefulFunction('example/default') export default class Defaulted { apply(): void {} }\n`,
        'src/domain/model.ts': `${SDK_IMPORT}\n@StatefulFunction('example/model') export class Model { apply(): void {} }\n`,
      });
      expect(errors).toEqual([]);
      expect(functions.map((fn) => [fn.typename, fn.symbol.exportName])).toEqual([
        ['example/default', 'default'],
        ['example/later', 'Renamed'],
        ['example/model', 'Model'],
      ]);
    });

    it('reads classes written for standard decorators as it reads experimentalDecorators ones', () => {
      // TypeScript 5's standard decorators also allow the decorator after \`export\`; the sdk
      // runs under both settings, so the scanner must see the same function either way.
      const body = [
        '  @ValueSpec({ type: Types.int }) seen?: number;',
        '  apply(ctx: Context<Greeter>, msg: Message): void {',
        '    if (msg.isString()) ctx.storage.seen = 1;',
        '  }',
        '}',
      ];
      const before = scan({ 'src/greeter.function.ts': [SDK_IMPORT, "@StatefulFunction('example/greeter')", 'export class Greeter {', ...body].join('\n') });
      const after = scan({ 'src/greeter.function.ts': [SDK_IMPORT, "export @StatefulFunction('example/greeter') class Greeter {", ...body].join('\n') });
      expect(after.errors).toEqual([]);
      expect(after.functions.map((f) => [f.typename, f.className, f.states.map((state) => state.name)])).toEqual([
        ['example/greeter', 'Greeter', ['seen']],
      ]);
      // The same states, one line up (the decorator shares the class's line).
      const statesOf = (result: typeof before) =>
        result.functions.flatMap((f) => f.states.map((state) => ({ ...state, location: { ...state.location, line: 0 } })));
      expect(statesOf(after)).toEqual(statesOf(before));
    });

    it('ignores specs, generated code, and decorators that are not the sdk’s', () => {
      const { functions } = scan({
        'src/a.function.spec.ts': functionSource('example/spec', 'Spec'),
        'src/generated/functions.generated.ts': functionSource('example/generated', 'Generated'),
        'src/other.function.ts': "const StatefulFunction = (n: string) => (c: unknown) => c;\n@StatefulFunction('x/y') export class Other {}\n",
        'test/outside.function.ts': functionSource('example/outside', 'Outside'),
      });
      expect(functions).toEqual([]);
    });

    it('describes message types it cannot import', () => {
      const { functions } = scan({
        'src/a.function.ts': [
          SDK_IMPORT,
          "const Local = jsonType<string>('example/Local');",
          "@StatefulFunction('example/a') export class A {",
          "  apply(ctx: Context<A>, msg: Message): void { msg.as(Local); msg.as(jsonType<number>('example/Inline')); }",
          '}',
        ].join('\n'),
      });
      expect(functions[0]?.accepts).toEqual([
        { expression: 'Local', typename: 'example/Local', importable: undefined },
        { expression: "jsonType<number>('example/Inline')", typename: 'example/Inline', importable: undefined },
      ]);
    });
  });

  describe('reports user errors with file:line:column and a stable code', () => {
    it('two functions with one typename', () => {
      const { errors, functions } = scan({
        'src/a.function.ts': functionSource('example/twin', 'First'),
        'src/b.function.ts': functionSource('example/twin', 'Second'),
      });
      expect(errors.map((error) => error.code)).toEqual([CodegenErrorCodes.DUPLICATE_TYPENAME]);
      expect(errors[0]?.message).toMatch(
        /^apps\/demo\/src\/b\.function\.ts:4:14 \[KF_CODEGEN_DUPLICATE_TYPENAME\] Class Second .*'example\/twin'.*First \(apps\/demo\/src\/a\.function\.ts:4:14\)/,
      );
      expect(functions.map((fn) => fn.className)).toEqual(['First']);
    });

    it.each([
      ['no namespace', "'greeter'"],
      ['an empty name', "'example/'"],
      ['whitespace', "'example/my greeter'"],
      ['a value codegen cannot read', 'process.env.TYPENAME as string'],
    ])('an invalid typename: %s', (_case, argument) => {
      const { errors } = scan({ 'src/a.function.ts': `${SDK_IMPORT}\n@StatefulFunction(${argument})\nexport class A { apply(): void {} }\n` });
      expect(errors.map((error) => error.code)).toEqual([CodegenErrorCodes.INVALID_TYPENAME]);
      expect(errors[0]?.location).toEqual({ file: 'apps/demo/src/a.function.ts', line: 2, column: 19 });
    });

    it('a @StatefulFunction without a typename', () => {
      expect(codesOf({ 'src/a.function.ts': `${SDK_IMPORT}\n// @ts-expect-error\n@StatefulFunction()\nexport class A { apply(): void {} }\n` })).toEqual([
        CodegenErrorCodes.INVALID_TYPENAME,
      ]);
    });

    it('a @ValueSpec without a type', () => {
      const { errors } = scan({
        'src/a.function.ts': functionSource('example/a', 'A', "  // @ts-expect-error\n  @ValueSpec({ name: 'count' }) count?: number;\n  // @ts-expect-error\n  @ValueSpec() other?: number;"),
      });
      expect(errors.map((error) => [error.code, error.location?.line, error.location?.column])).toEqual([
        [CodegenErrorCodes.STATE_TYPE_MISSING, 6, 3],
        [CodegenErrorCodes.STATE_TYPE_MISSING, 8, 3],
      ]);
      expect(errors[0]?.message).toMatch(/^apps\/demo\/src\/a\.function\.ts:6:3 \[KF_CODEGEN_STATE_TYPE_MISSING\] @ValueSpec on A\.count has no type/);
    });

    it('a state name used twice', () => {
      const { errors } = scan({
        'src/a.function.ts': functionSource(
          'example/a',
          'A',
          "  @ValueSpec({ type: Types.int }) count?: number;\n  @ValueSpec({ type: Types.long, name: 'count' }) total?: number;",
        ),
      });
      expect(errors.map((error) => error.code)).toEqual([CodegenErrorCodes.DUPLICATE_STATE]);
      expect(errors[0]?.message).toMatch(/^apps\/demo\/src\/a\.function\.ts:6:3 .*'count' of A\.total \(@ValueSpec\) is already used by A\.count \(@ValueSpec, line 5\)/);
    });

    it('a @MapSpec without a value type, and a @ListSpec without a type', () => {
      const { errors } = scan({
        'src/a.function.ts': functionSource(
          'example/a',
          'A',
          "  // @ts-expect-error\n  @MapSpec({ expireAfterWrite: '1d' }) lines?: MapState<number>;\n  // @ts-expect-error\n  @ListSpec({ maxLength: 3 }) events?: ListState<string>;",
          COLLECTIONS_IMPORT,
        ),
      });
      expect(errors.map((error) => [error.code, error.location?.line, error.location?.column])).toEqual([
        [CodegenErrorCodes.STATE_TYPE_MISSING, 6, 3],
        [CodegenErrorCodes.STATE_TYPE_MISSING, 8, 3],
      ]);
      expect(errors[0]?.message).toMatch(/^apps\/demo\/src\/a\.function\.ts:6:3 \[KF_CODEGEN_STATE_TYPE_MISSING\] @MapSpec on A\.lines has no value type; give one, e\.g\. @MapSpec\(\{ value: Types\.int \}\)/);
      expect(errors[1]?.message).toContain('@ListSpec on A.events has no type');
    });

    it('a state name used twice across kinds of spec', () => {
      const { errors } = scan({
        'src/a.function.ts': functionSource(
          'example/a',
          'A',
          [
            '  @ValueSpec({ type: Types.int }) lines?: number;',
            "  @MapSpec({ value: Types.int, name: 'lines' }) counts?: MapState<number>;",
            "  @ListSpec({ type: Types.int, name: 'counts' }) events?: ListState<number>;",
          ].join('\n'),
          COLLECTIONS_IMPORT,
        ),
      });
      expect(errors.map((error) => [error.code, error.location?.line])).toEqual([[CodegenErrorCodes.DUPLICATE_STATE, 6]]);
      expect(errors[0]?.message).toMatch(/'lines' of A\.counts \(@MapSpec\) is already used by A\.lines \(@ValueSpec, line 5\)/);
    });

    it('a list maxLength that is not a positive integer, both map TTLs, two state decorators on one field', () => {
      const { errors } = scan({
        'src/a.function.ts': functionSource(
          'example/a',
          'A',
          [
            '  @ListSpec({ type: Types.int, maxLength: 0 }) zero?: ListState<number>;',
            "  @MapSpec({ value: Types.int, expireAfterWrite: '1m', expireAfterAccess: '1m' }) both?: MapState<number>;",
            "  // @ts-expect-error\n  @MapSpec({ value: Types.int }) @ValueSpec({ type: Types.int }) twice?: MapState<number>;",
          ].join('\n'),
          COLLECTIONS_IMPORT,
        ),
      });
      expect(errors.map((error) => [error.code, error.location?.line])).toEqual([
        [CodegenErrorCodes.INVALID_STATE_OPTION, 5],
        [CodegenErrorCodes.INVALID_EXPIRATION, 6],
        [CodegenErrorCodes.INVALID_STATE_OPTION, 8],
      ]);
    });

    it('a decorated class that is not exported', () => {
      const { errors, functions } = scan({
        'src/a.function.ts': `${SDK_IMPORT}\n\n@StatefulFunction('example/hidden')\nclass Hidden { apply(): void {} }\n`,
        'src/b.function.ts': `${SDK_IMPORT}\nexport function make() {\n  @StatefulFunction('example/nested')\n  class Nested { apply(): void {} }\n  return Nested;\n}\n`,
      });
      expect(errors.map((error) => [error.code, error.location])).toEqual([
        [CodegenErrorCodes.NOT_EXPORTED, { file: 'apps/demo/src/a.function.ts', line: 4, column: 7 }],
        [CodegenErrorCodes.NOT_EXPORTED, { file: 'apps/demo/src/b.function.ts', line: 4, column: 9 }],
      ]);
      expect(functions).toEqual([]);
    });

    it('an invalid state name, a bad TTL, both TTLs, unreadable options, a missing apply', () => {
      const { errors } = scan({
        'src/a.function.ts': [
          SDK_IMPORT,
          'const options = { type: Types.int };',
          "const spread = { type: Types.int };",
          "@StatefulFunction('example/a')",
          'export class A {',
          "  @ValueSpec({ type: Types.int, name: 'has-dash' }) dashed?: number;",
          "  // @ts-expect-error\n  @ValueSpec({ type: Types.int, expireAfterCall: 'soon' }) soon?: number;",
          "  @ValueSpec({ type: Types.int, expireAfterCall: '1m', expireAfterWrite: '1m' }) both?: number;",
          '  @ValueSpec({ ...spread }) spreaded?: number;',
          '  @ValueSpec(options) viaConst?: number;',
          '}',
        ].join('\n'),
      });
      expect(errors.map((error) => error.code)).toEqual([
        CodegenErrorCodes.APPLY_MISSING,
        CodegenErrorCodes.INVALID_STATE_NAME,
        CodegenErrorCodes.INVALID_EXPIRATION,
        CodegenErrorCodes.INVALID_EXPIRATION,
        CodegenErrorCodes.UNREADABLE_OPTIONS,
      ]);
    });

    it('reports every error of a run together, sorted by location, as KeyflowErrors', () => {
      const { errors } = scan({
        'src/b.function.ts': `${SDK_IMPORT}\n@StatefulFunction('bad')\nexport class B { apply(): void {} }\n`,
        'src/a.function.ts': functionSource('example/a', 'A', '  // @ts-expect-error\n  @ValueSpec({}) x?: number;').replace('export class', 'class'),
        'src/c.function.ts': functionSource('example/a', 'C'),
      });
      expect(errors.map((error) => `${error.location?.file}:${error.code}`)).toEqual([
        'apps/demo/src/a.function.ts:KF_CODEGEN_NOT_EXPORTED',
        'apps/demo/src/a.function.ts:KF_CODEGEN_STATE_TYPE_MISSING',
        'apps/demo/src/b.function.ts:KF_CODEGEN_INVALID_TYPENAME',
      ]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(KeyflowError);
        expect(error).toBeInstanceOf(CodegenError);
        expect(error.message).toMatch(/^apps\/demo\/src\/[abc]\.function\.ts:\d+:\d+ \[KF_CODEGEN_[A-Z_]+\] /);
        expect(error.retryable).toBe(false);
      }
    });
  });
});
