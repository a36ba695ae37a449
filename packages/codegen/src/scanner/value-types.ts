import { Node, type SourceFile } from 'ts-morph';
import { withoutTsExtension } from '../text/posix-paths';
import type { ImportableSymbol, ValueTypeReference } from './scanned-function';
import { SDK_MODULE, type SourceIndex } from './source-index';

/** StateFun's built-in types, by their key in the sdk's `Types`. */
const BUILTIN_TYPE_KEYS = new Set(['bool', 'int', 'long', 'float', 'double', 'string']);

/** `msg.isString()` / `msg.asString()` and their siblings → the built-in type they read. */
export const MESSAGE_SHORTCUTS: Readonly<Record<string, string>> = {
  isString: 'string',
  asString: 'string',
  isInt: 'int',
  asInt: 'int',
  isLong: 'long',
  asLong: 'long',
  isFloat: 'float',
  asFloat: 'float',
  isDouble: 'double',
  asDouble: 'double',
  isBool: 'bool',
  asBool: 'bool',
};

/** The reference to the sdk's `Types.<key>`. */
export function builtinTypeReference(key: string): ValueTypeReference {
  return {
    expression: `Types.${key}`,
    typename: `io.statefun.types/${key}`,
    importable: { symbol: { module: SDK_MODULE, isPackage: true, exportName: 'Types' }, path: [key] },
  };
}

/**
 * Describes a value type expression found in `file`: its typename when it can be known
 * statically, and how generated code can import it.
 */
export function describeValueType(index: SourceIndex, file: SourceFile, expression: Node): ValueTypeReference {
  const text = expression.getText();
  const chain = accessChain(expression);
  if (!chain) {
    const typename = Node.isCallExpression(expression) ? typenameOfCall(index, file, expression) : undefined;
    return { expression: text, typename, importable: undefined };
  }
  const sdkPath = sdkPathOf(index, file, chain.root, chain.path);
  if (sdkPath && sdkPath.length === 2 && sdkPath[0] === 'Types' && BUILTIN_TYPE_KEYS.has(sdkPath[1] as string)) {
    return { ...builtinTypeReference(sdkPath[1] as string), expression: text };
  }
  let typename: string | undefined;
  if (chain.path.length === 0) {
    const resolved = index.resolveName(file, chain.root);
    if (resolved?.kind === 'variable') {
      const initializer = resolved.declaration.getInitializer();
      if (initializer && Node.isCallExpression(initializer)) typename = typenameOfCall(index, resolved.file, initializer);
    }
  }
  return { expression: text, typename, importable: importableOf(index, file, chain.root, chain.path) };
}

/** `a.b.c` → root `a`, path `['b', 'c']`; undefined for anything but identifiers and property accesses. */
function accessChain(expression: Node): { root: string; path: string[] } | undefined {
  const path: string[] = [];
  let current = expression;
  while (Node.isPropertyAccessExpression(current)) {
    path.unshift(current.getName());
    current = current.getExpression();
  }
  return Node.isIdentifier(current) ? { root: current.getText(), path } : undefined;
}

/** The path below the sdk's exports when a chain starts at an sdk import: `Types.int` → `['Types', 'int']`. */
function sdkPathOf(index: SourceIndex, file: SourceFile, root: string, path: string[]): string[] | undefined {
  const resolved = index.resolveName(file, root);
  if (resolved?.kind === 'package-import' && resolved.module === SDK_MODULE) return [resolved.exportName, ...path];
  if (resolved?.kind === 'namespace-import' && resolved.module === SDK_MODULE) return path;
  return undefined;
}

/** The typename a `jsonType('…')`, `customType('…', …)` or `protobufType(schema, '…')` call gives its type. */
function typenameOfCall(index: SourceIndex, file: SourceFile, call: Node): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = index.sdkExportOf(file, call.getExpression());
  const args = call.getArguments();
  const argument = callee === 'jsonType' || callee === 'customType' ? args[0] : callee === 'protobufType' ? args[1] : undefined;
  return argument ? index.evaluateString(file, argument) : undefined;
}

/** How generated code reaches `root.path…` as written in `file`, or undefined when it cannot. */
function importableOf(
  index: SourceIndex,
  file: SourceFile,
  root: string,
  path: readonly string[],
): ValueTypeReference['importable'] {
  const binding = index.bindingOf(file, root);
  if (!binding) return undefined;
  let symbol: ImportableSymbol | undefined;
  let rest = path;
  switch (binding.kind) {
    case 'import':
      symbol = { ...index.moduleOf(file, binding.specifier), exportName: binding.exportName };
      break;
    case 'namespace-import': {
      const [first, ...others] = path;
      if (first === undefined) return undefined;
      symbol = { ...index.moduleOf(file, binding.specifier), exportName: first };
      rest = others;
      break;
    }
    case 'variable':
    case 'declaration': {
      const node = binding.kind === 'variable' ? binding.declaration : binding.node;
      const exportName = index.exportNameOf(file, root, node);
      if (exportName === undefined) return undefined;
      symbol = { module: withoutTsExtension(index.pathOf(file)), isPackage: false, exportName };
      break;
    }
  }
  return { symbol, path: rest };
}
