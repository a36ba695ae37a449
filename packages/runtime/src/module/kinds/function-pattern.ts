import { parseTypename } from '@keyflow/sdk';
import type { FunctionPattern } from '../../config/module-config';
import type { SpecReader } from '../spec-reader';

const PATTERN_EXPECTED = "a function pattern '<namespace>/*' or '<namespace>/<name>', e.g. 'com.example/*'";

/**
 * Reads `spec.functions`: `<namespace>/*` serves every function of the namespace,
 * `<namespace>/<name>` one function type; a `*` anywhere else is refused, as StateFun does.
 */
export function readFunctionPattern(spec: SpecReader): FunctionPattern {
  const text = spec.string('functions', { expected: PATTERN_EXPECTED });
  if (text === '') return { kind: 'namespace', namespace: '' };
  const pattern = toFunctionPattern(text);
  if (pattern === undefined) spec.error('functions', PATTERN_EXPECTED);
  return pattern ?? { kind: 'namespace', namespace: '' };
}

/** A stable text for a pattern, to find two endpoints serving the same one. */
export function functionPatternKey(pattern: FunctionPattern): string {
  return pattern.kind === 'namespace' ? `${pattern.namespace}/*` : pattern.typename;
}

function toFunctionPattern(text: string): FunctionPattern | undefined {
  let parts;
  try {
    parts = parseTypename(text);
  } catch {
    return undefined;
  }
  if (parts.namespace.includes('*')) return undefined;
  if (parts.name === '*') return { kind: 'namespace', namespace: parts.namespace };
  if (parts.name.includes('*')) return undefined;
  return { kind: 'function', typename: text };
}
