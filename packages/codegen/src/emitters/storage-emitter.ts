import type { GeneratedFile } from '../codegen/generated-file';
import { projectLayout } from '../codegen/project-layout';
import type { ScannedFunction, ScannedState, StateExpiration, ValueTypeReference } from '../scanner/scanned-function';
import { camelCase, isIdentifier, propertyKey, quoteString } from '../text/identifiers';
import { assignClassNames } from './class-names';
import { typescriptHeader } from './generated-header';
import { ImportSet } from './import-set';

/** What the storage emitter needs: the project and its functions, sorted by typename. */
export interface StorageInput {
  readonly projectName: string;
  readonly projectRoot: string;
  readonly functions: readonly ScannedFunction[];
}

const SDK = '@keyflow/sdk';

/**
 * Emits `src/generated/storage.generated.ts`. For each function `F`:
 * - `FStorage`: exactly its `@ValueSpec` fields with their value types, and its `@MapSpec` and
 *   `@ListSpec` fields as read-only, always present `MapState`/`ListState` handles: the type of
 *   `ctx.storage`;
 * - `FContext`: `Context<FStorage>`, to write `apply(ctx: FContext, msg: Message)`, so a
 *   misspelled state name or a value of the wrong type does not compile;
 * - `FMessages`: one builder per message type the function reads, returning a typed
 *   `MessageSpec` addressed to it (only for types generated code can import).
 */
export function emitStorage(input: StorageInput): GeneratedFile {
  const layout = projectLayout(input.projectRoot);
  const classNames = assignClassNames(input.functions, ['StorageByTypename']);
  const reserved = ['StorageByTypename'];
  for (const name of classNames.values()) reserved.push(`${name}Storage`, `${name}Context`, `${name}Messages`);
  const imports = new ImportSet(layout.generatedDir, reserved);

  const sections: string[] = [];
  for (const fn of input.functions) {
    const className = classNames.get(fn.typename) ?? fn.className;
    const classLocal = imports.use(fn.symbol, { typeOnly: true, preferredName: className });
    sections.push(emitFunction(fn, className, classLocal, imports));
  }
  const storageMap = [
    '/** The storage type of each function of the project, by typename. */',
    'export interface StorageByTypename {',
    ...input.functions.map((fn) => `  ${quoteString(fn.typename)}: ${classNames.get(fn.typename) ?? fn.className}Storage;`),
    '}',
  ].join('\n');

  const example = `${input.functions[0] ? (classNames.get(input.functions[0].typename) ?? 'F') : 'F'}Context`;
  const header = typescriptHeader(input.projectName, [
    `Typed state and messages of the functions of project ${input.projectName}. Write`,
    `\`apply(ctx: ${example}, msg: Message)\` to have the compiler check every state access.`,
  ]);
  const body = [...imports.render(), '', ...sections, storageMap].join('\n');
  return { path: layout.storageFile, content: `${header}${body}\n` };
}

function emitFunction(fn: ScannedFunction, name: string, classLocal: string, imports: ImportSet): string {
  const lines: string[] = [];
  const context = imports.use({ module: SDK, isPackage: true, exportName: 'Context' }, { typeOnly: true });

  lines.push(
    `/** The state of \`${fn.typename}\` (class {@link ${classLocal}}): the exact type of \`ctx.storage\`. */`,
    `export interface ${name}Storage {`,
  );
  for (const state of fn.states) {
    const field = `${classLocal}[${quoteString(state.property)}]`;
    lines.push(
      `  /** ${describeState(state)} */`,
      state.kind === 'value'
        ? `  ${propertyKey(state.property)}?: ${field};`
        : `  readonly ${propertyKey(state.property)}: NonNullable<${field}>;`,
    );
  }
  lines.push('}', '');

  const builders = fn.accepts.filter((type) => type.importable !== undefined);
  const unreachable = fn.accepts.filter((type) => type.importable === undefined);
  lines.push(`/**`, ` * What \`${fn.typename}\` sees while it handles a message, with \`ctx.storage\` typed as {@link ${name}Storage}.`);
  if (unreachable.length > 0) {
    lines.push(
      ` * It also reads ${unreachable.map((type) => `\`${type.expression}\``).join(', ')}, which generated code cannot import;`,
      ' * declare such types as exported constants to get typed message builders.',
    );
  }
  lines.push(' */', `export type ${name}Context = ${context}<${name}Storage>;`, '');

  if (builders.length > 0) {
    const messageSpec = imports.use({ module: SDK, isPackage: true, exportName: 'MessageSpec' }, { typeOnly: true });
    const valueOf = imports.use({ module: SDK, isPackage: true, exportName: 'ValueOf' }, { typeOnly: true });
    lines.push(
      `/** Typed messages to \`${fn.typename}\`: one builder per message type it reads in \`apply\`. */`,
      `export const ${name}Messages = {`,
    );
    const keys = new Set<string>();
    for (const type of builders) {
      const expression = typeExpression(type, imports);
      const key = uniqueKey(builderKey(type), keys);
      const valueType = `${valueOf}<typeof ${expression}>`;
      lines.push(
        `  /** A \`${type.typename ?? type.expression}\` message to the instance \`id\` of \`${fn.typename}\`. */`,
        `  ${propertyKey(key)}: (id: string, value: ${valueType}): ${messageSpec}<${valueType}> => ({`,
        `    target: { typename: ${quoteString(fn.typename)}, id },`,
        '    value,',
        `    type: ${expression},`,
        '  }),',
      );
    }
    lines.push('} as const;', '');
  }
  return lines.join('\n');
}

const STATE_LABELS = { value: 'State', map: 'Map state', list: 'List state' } as const;

function describeState(state: ScannedState): string {
  const of = state.kind === 'map' ? 'values ' : state.kind === 'list' ? 'elements ' : '';
  const parts = [`${STATE_LABELS[state.kind]} \`${state.name}\` (${of}\`${state.type.expression}\`${state.type.typename ? `, ${state.type.typename}` : ''})`];
  if (state.maxLength !== undefined) parts.push(`at most ${state.maxLength} elements`);
  if (state.expiration) parts.push(describeExpiration(state.expiration, state.kind === 'map' ? 'entries expire' : 'expires'));
  return `${parts.join(', ')}.`;
}

function describeExpiration(expiration: StateExpiration, verb: string): string {
  const span = expiration.text.replace(/^['"`]|['"`]$/g, '');
  const since = { 'after-call': 'the last call', 'after-write': 'the last write', 'after-access': 'the last read or write' }[expiration.mode];
  return `${verb} ${span} after ${since}`;
}

/** The expression generated code writes for a value type: its import's local name and the path below. */
function typeExpression(type: ValueTypeReference, imports: ImportSet): string {
  const importable = type.importable;
  if (!importable) return type.expression;
  const local = imports.use(importable.symbol, { typeOnly: false });
  return importable.path.reduce((expression, part) => (isIdentifier(part) ? `${expression}.${part}` : `${expression}[${quoteString(part)}]`), local);
}

/** `io.statefun.types/string` → `string`; `example/Greeting` → `greeting`; else from the expression. */
function builderKey(type: ValueTypeReference): string {
  const source = type.typename ?? type.expression;
  const last = source.split(/[/.]/).filter((part) => part.length > 0).pop() ?? source;
  const key = camelCase(last);
  return key.length > 0 ? key : 'message';
}

function uniqueKey(key: string, taken: Set<string>): string {
  let unique = key;
  for (let n = 2; taken.has(unique); n++) unique = `${key}${n}`;
  taken.add(unique);
  return unique;
}

