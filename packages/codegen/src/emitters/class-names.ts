import type { ScannedFunction } from '../scanner/scanned-function';

/**
 * A unique TypeScript name for each function class, by typename: the class name, or the
 * class name with a number when two classes of a project share a name. Functions must come
 * sorted by typename, so the numbering is stable.
 */
export function assignClassNames(functions: readonly ScannedFunction[], reserved: Iterable<string> = []): Map<string, string> {
  const taken = new Set(reserved);
  const names = new Map<string, string>();
  for (const fn of functions) {
    let name = fn.className;
    for (let n = 2; taken.has(name); n++) name = `${fn.className}${n}`;
    taken.add(name);
    names.set(fn.typename, name);
  }
  return names;
}
