// Names that generated TypeScript declares or uses as keys.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `text` can be written as a bare identifier or object key. */
export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** `text` as an object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(text: string): string {
  return isIdentifier(text) ? text : quoteString(text);
}

/** A single-quoted TypeScript string literal. */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** The words of a name: `order-tracker` / `OrderTracker` / `order_tracker` → `order`, `tracker`. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** `order-tracker` → `orderTracker`; a leading digit gets an underscore. */
export function camelCase(text: string): string {
  const result = words(text)
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
  return /^[0-9]/.test(result) ? `_${result}` : result;
}

/** `order-tracker` → `OrderTracker`; a leading digit gets an underscore. */
export function pascalCase(text: string): string {
  const camel = camelCase(text);
  return camel.startsWith('_') ? camel : camel.charAt(0).toUpperCase() + camel.slice(1);
}
