import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import * as sdk from '@keyflow/sdk';
import { SdkErrorCodes, Types, getCollectionSpecs, getFunctionMetadata, getValueSpecs, type FunctionClass } from '@keyflow/sdk';
import { expectThrowsCode } from '../test-support/keyflow-errors';
import { effectsOf, missingSpecsOf } from '../test-support/run-function';
import { address } from '../test-support/wire-messages';
import { noValue, typedValue } from '../test-support/typed-values';

// The same source compiled under both of TypeScript's decorator settings must type-check the
// same way and give the same classes: what a new project (standard decorators, TypeScript 5's
// default) and an `experimentalDecorators` project get.

const SDK_INDEX = join(__dirname, '..', 'index.ts');
const FIXTURE = join(__dirname, 'decorator-kinds.fixture.ts');

const SOURCE = `
import { ListSpec, MapSpec, StatefulFunction, Types, ValueSpec, type Context, type ListState, type MapState, type Message } from '@keyflow/sdk';

@StatefulFunction('example/counter')
export class Counter {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;
  @ValueSpec({ type: Types.string, name: 'last_name' }) last?: string;
  @MapSpec({ value: Types.int, expireAfterWrite: '1d' }) perName?: MapState<number>;
  @ListSpec({ type: Types.string, maxLength: 3 }) names?: ListState<string>;

  apply(ctx: Context<Counter>, msg: Message): void {
    const name = msg.asString();
    ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;
    ctx.storage.last = name;
    ctx.storage.perName.set(name, ctx.storage.seen);
    ctx.storage.names.append(name);
    ctx.send({ target: { typename: 'example/inbox', id: name }, value: 'hello #' + String(ctx.storage.seen) });
  }
}

export class Typos {
  // @ts-expect-error a string field under an int spec
  @ValueSpec({ type: Types.int }) wrong?: string;
  // @ts-expect-error a list spec on a map field
  @ListSpec({ type: Types.int }) other?: MapState<number>;
}

export class SubCounter extends Counter {
  @ValueSpec({ type: Types.bool }) extra?: boolean;
}
`;

interface Setting {
  readonly name: string;
  readonly options: ts.CompilerOptions;
}

const SETTINGS: readonly Setting[] = [
  // What \`tsc --init\` gives with TypeScript 5: standard decorators, fields defined as own properties.
  { name: 'standard decorators', options: { experimentalDecorators: false, useDefineForClassFields: true } },
  { name: 'experimentalDecorators', options: { experimentalDecorators: true, useDefineForClassFields: false } },
];

const BASE: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  types: ['node'],
};

function typeErrors(options: ts.CompilerOptions): string[] {
  const compilerOptions: ts.CompilerOptions = {
    ...BASE,
    ...options,
    noEmit: true,
    baseUrl: dirname(SDK_INDEX),
    paths: { '@keyflow/sdk': [SDK_INDEX], '@keyflow/sdk/protocol': [join(dirname(SDK_INDEX), 'protocol.ts')] },
  };
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === FIXTURE ? SOURCE : readFile(file));
  host.fileExists = (file) => file === FIXTURE || ts.sys.fileExists(file);
  host.getSourceFile = (file, language, ...rest) =>
    file === FIXTURE ? ts.createSourceFile(file, SOURCE, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([FIXTURE], compilerOptions, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

function compile(source: string, options: ts.CompilerOptions): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { ...BASE, ...options },
  });
  const exports: Record<string, unknown> = {};
  const requireSdk = (id: string): unknown => {
    if (id === '@keyflow/sdk') return sdk;
    throw new Error(`the fixture imports only @keyflow/sdk, not ${id}`);
  };
  // A function of this realm (not node:vm's), so the compiled classes see the Symbol the sdk extended.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running compiler output is the point of this test
  const run = new Function('exports', 'require', outputText) as (exports: object, require: (id: string) => unknown) => void;
  run(exports, requireSdk);
  return exports;
}

function metadataOf(cls: object): unknown {
  return { function: getFunctionMetadata(cls), values: getValueSpecs(cls), collections: getCollectionSpecs(cls) };
}

async function behaviourOf(cls: FunctionClass): Promise<unknown> {
  const target = address('example/counter', 'c1');
  const missing = await missingSpecsOf([cls], { target, invocations: [{ argument: typedValue(Types.string, 'Ada') }] });
  const state = Object.fromEntries(missing.map((spec) => [spec.stateName, noValue(spec.typeTypename)]));
  const effects = await effectsOf([cls], { target, state, invocations: [{ argument: typedValue(Types.string, 'Ada') }] });
  return { missing, effects };
}

describe('decorators under both TypeScript settings', () => {
  const compiled = new Map(SETTINGS.map((setting) => [setting.name, compile(SOURCE, setting.options)]));
  const counterOf = (setting: Setting): FunctionClass => compiled.get(setting.name)?.['Counter'] as FunctionClass;

  it.each(SETTINGS)('type-check the same source under $name, refusing fields whose type does not match', ({ options }) => {
    expect(typeErrors(options)).toEqual([]);
  });

  it.each(SETTINGS)('record the same metadata under $name', (setting) => {
    expect(metadataOf(counterOf(setting))).toEqual({
      function: { typename: 'example/counter' },
      values: [
        { property: 'seen', type: Types.int, expireAfterCall: '30m' },
        { property: 'last', type: Types.string, name: 'last_name' },
      ],
      collections: [
        { kind: 'map', property: 'perName', value: Types.int, expireAfterWrite: '1d' },
        { kind: 'list', property: 'names', type: Types.string, maxLength: 3 },
      ],
    });
    const sub = compiled.get(setting.name)?.['SubCounter'] as object;
    expect(getValueSpecs(sub).map((spec) => spec.property)).toEqual(['extra']);
    expect(getFunctionMetadata(sub)).toBeUndefined();
  });

  it('answer the same requests with the same bytes under both', async () => {
    // Map entries carry their write time: hold the clock still.
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 0, 1));
    try {
      const standard = await behaviourOf(counterOf(SETTINGS[0] as Setting));
      const experimental = await behaviourOf(counterOf(SETTINGS[1] as Setting));
      expect(standard).toEqual(experimental);
      expect((standard as { missing: unknown[] }).missing).toHaveLength(4);
    } finally {
      now.mockRestore();
    }
  });

  it.each([
    ['a static field', `class C { @ValueSpec({ type: Types.int }) static seen?: number; }`],
    ['a private field', `class C { @ValueSpec({ type: Types.int }) #seen?: number; }`],
  ])('refuse %s under standard decorators when the class is defined, with KF_DECORATOR_UNSUPPORTED', (_name, body) => {
    const source = `import { ValueSpec, Types } from '@keyflow/sdk';\n${body}\n`;
    expectThrowsCode(() => compile(source, { experimentalDecorators: false }), SdkErrorCodes.DECORATOR_UNSUPPORTED);
  });
});
