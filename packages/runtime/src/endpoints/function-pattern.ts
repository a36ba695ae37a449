import type { FunctionPattern } from '../config/module-config';

/** True when `typename` is one of the functions `pattern` names. */
export function matchesPattern(pattern: FunctionPattern, typename: string): boolean {
  if (pattern.kind === 'function') return pattern.typename === typename;
  return typename.slice(0, typename.lastIndexOf('/')) === pattern.namespace;
}
