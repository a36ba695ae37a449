// Turning YAML scalars into typed values for SpecReader, and the words its messages use.

import { parseTypename } from '@keyflow/sdk';
import { isScalar } from 'yaml';
import type { Node } from 'yaml';

/** Bounds for `SpecReader.int` and `SpecReader.duration` (durations in milliseconds), inclusive. */
export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
}

/** What a typename looks like, for messages. */
export const TYPENAME_EXPECTED = "a typename <namespace>/<name>, e.g. 'example/greeter'";
/** What a list of typenames looks like, for messages. */
export const TYPENAMES_EXPECTED = "a list of typenames <namespace>/<name>, e.g. ['example/greeter']";

/**
 * A value a converter refused; `expected` replaces the accessor's description when the
 * converter knows better (a suggestion), `found` replaces "is <value>".
 */
export class Rejected {
  constructor(
    readonly expected?: string,
    readonly found?: string,
  ) {}
}

/** The text of a scalar; numbers and booleans as written, empty strings refused. */
export function toText(node: Node): string | Rejected {
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'string') return value.length > 0 ? value : new Rejected(undefined, 'is an empty string');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return new Rejected();
}

/** A safe integer from a number or a digit string such as `"1000"`. */
export function toInteger(node: Node): number | undefined {
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** `true`/`false`, also as strings in any case. */
export function toBoolean(node: Node): boolean | Rejected {
  const value: unknown = isScalar(node) ? node.value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return new Rejected();
}

/** A typename `<namespace>/<name>` as the sdk's `parseTypename` accepts it. */
export function toTypename(node: Node): string | Rejected {
  const text = toText(node);
  if (text instanceof Rejected) return new Rejected();
  try {
    parseTypename(text);
    return text;
  } catch {
    return new Rejected();
  }
}

/** True when `value` is within the inclusive `range`. */
export function inRange(value: number, range: RangeOptions): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** The range for "expected an integer …": ` from 1 to 10`, ` of at least 1ms`. */
export function rangeText(range: RangeOptions, unit: string): string {
  if (range.min !== undefined && range.max !== undefined) return ` from ${range.min}${unit} to ${range.max}${unit}`;
  if (range.min !== undefined) return ` of at least ${range.min}${unit}`;
  if (range.max !== undefined) return ` of at most ${range.max}${unit}`;
  return '';
}
