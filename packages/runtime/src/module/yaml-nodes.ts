// Small helpers over the `yaml` package's document tree, so that the rest of the loader reads
// values and positions without caring about aliases and empty values.

import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';

/** The node an alias points to, or the node itself. */
export function resolveNode(node: unknown, document: Document): Node | undefined {
  if (isAlias(node)) return node.resolve(document) ?? undefined;
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

/** The text of a mapping key (keys are scalars in module files). */
export function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** The pair of `key` in `map`, if present. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyText(pair) === key);
}

/** True for a missing value or an explicit YAML null (`key:` with nothing, `~`, `null`). */
export function isNullNode(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

/** The offset where `node` starts in the text, or `fallback` when the node carries no range. */
export function startOf(node: unknown, fallback: number): number {
  if (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) return node.range?.[0] ?? fallback;
  return fallback;
}

/** How a value looks, for messages: `"abc"`, `70000`, `true`, `empty`, `a list`, `a mapping`. */
export function describeNode(node: Node | undefined): string {
  if (node === undefined) return 'missing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null) return 'empty';
  const value: unknown = node.value;
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? 'a value';
}
