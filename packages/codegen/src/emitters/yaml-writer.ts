// A small YAML writer for the documents codegen emits. Output is block style with two-space
// indentation, and strings are quoted whenever a YAML 1.1 or 1.2 reader (Kubernetes, StateFun's
// Java loader, the `yaml` package) could read them as anything but the same string.

/** A value the writer can serialize. Keys with `undefined` values are left out. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue | undefined };

const PLAIN_STRING = /^[A-Za-z0-9_./][A-Za-z0-9_./:*@+=-]*$/;
const RESERVED_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBER_LIKE = /^[-+.]?[0-9]/;
const DIGITS_WITH_UNIT = /^[0-9]+[A-Za-z]+$/;
const RADIX_PREFIX = /^0[xob]/i;

/**
 * Serializes one YAML document, ending with a newline.
 *
 * @example
 * toYaml({ kind: 'io.statefun.endpoints.v2/http', spec: { functions: 'example/*' } });
 * // kind: io.statefun.endpoints.v2/http
 * // spec:
 * //   functions: example/*
 */
export function toYaml(value: YamlValue): string {
  return `${writeBlock(value, 0).join('\n')}\n`;
}

/** `text` as a YAML scalar on one line, quoted when it must be. */
export function yamlScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`YAML cannot hold the number ${value}`);
    return String(value);
  }
  return isPlainSafe(value) ? value : quote(value);
}

function isPlainSafe(text: string): boolean {
  if (!PLAIN_STRING.test(text) || text.endsWith(':') || RESERVED_WORDS.test(text)) return false;
  if (NUMBER_LIKE.test(text)) return DIGITS_WITH_UNIT.test(text) && !RADIX_PREFIX.test(text);
  return true;
}

function quote(text: string): string {
  // Double quotes (JSON escapes are valid YAML) when the text holds control characters.
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : `'${text.replace(/'/g, "''")}'`;
}

function isMapping(value: YamlValue): value is { readonly [key: string]: YamlValue | undefined } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: { readonly [key: string]: YamlValue | undefined }): [string, YamlValue][] {
  return Object.entries(value).filter((entry): entry is [string, YamlValue] => entry[1] !== undefined);
}

/** The lines of `value` as a block at `indent`, for use after `key:` or at the top. */
function writeBlock(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    const items = value as readonly YamlValue[];
    if (items.length === 0) return [`${pad}[]`];
    return items.flatMap((item) => writeSequenceItem(item, indent));
  }
  if (isMapping(value)) {
    const entries = entriesOf(value);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) => writeMappingEntry(key, item, indent));
  }
  return [`${pad}${yamlScalar(value as string | number | boolean | null)}`];
}

function writeMappingEntry(key: string, value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const head = `${pad}${yamlScalar(key)}:`;
  if (typeof value === 'string' && value.includes('\n')) return [`${head} ${blockHeader(value)}`, ...blockBody(value, indent + 2)];
  if (isEmptyCollection(value) || !isCollection(value)) return [`${head} ${inline(value)}`];
  return [head, ...writeBlock(value, indent + 2)];
}

function writeSequenceItem(item: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (typeof item === 'string' && item.includes('\n')) return [`${pad}- ${blockHeader(item)}`, ...blockBody(item, indent + 2)];
  if (isEmptyCollection(item) || !isCollection(item)) return [`${pad}- ${inline(item)}`];
  // The first line of the nested block goes on the dash line.
  const lines = writeBlock(item, indent + 2);
  const first = lines[0] ?? '';
  return [`${pad}- ${first.slice(indent + 2)}`, ...lines.slice(1)];
}

function isCollection(value: YamlValue): boolean {
  return typeof value === 'object' && value !== null;
}

function isEmptyCollection(value: YamlValue): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isMapping(value) && entriesOf(value).length === 0;
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (isMapping(value)) return '{}';
  return yamlScalar(value as string | number | boolean | null);
}

/** `|`, `|-` or `|+`, with an indentation indicator when the text starts with a space. */
function blockHeader(text: string): string {
  const trailing = /\n*$/.exec(text)?.[0].length ?? 0;
  const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const indicator = /^[ \t]/.test(text) ? '2' : '';
  return `|${indicator}${chomping}`;
}

function blockBody(text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const body = text.replace(/\n+$/, '');
  const trailing = text.length - body.length;
  const lines = body.split('\n').map((line) => (line.length === 0 ? '' : `${pad}${line}`));
  // With `|+`, the extra line breaks are kept as empty lines.
  for (let i = 1; i < trailing; i++) lines.push('');
  return lines;
}
