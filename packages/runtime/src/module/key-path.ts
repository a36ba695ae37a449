const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The path of `key` under `parent`: `spec.transport` + `call` → `spec.transport.call`. */
export function childPath(parent: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The path of the item at `index` of the list at `parent`: `spec.routes[0]`. */
export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
