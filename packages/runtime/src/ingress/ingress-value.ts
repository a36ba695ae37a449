import { KeyflowError, Types } from '@keyflow/sdk';
import type { HttpIngressRouteFormat } from '../config/module-config';
import { IngressErrorCodes } from './ingress-error-codes';

/**
 * Turns a request body into the bytes of a value of `valueType`. Built-in types are given as
 * text (`42`, `true`, `hello`) and encoded as StateFun encodes them; any other type's bytes
 * are taken as they are (for a JSON type: the JSON text), and with `format` `json` must parse
 * as JSON, so that a bad body is refused at the ingress rather than failing its function later.
 */
export function ingressValueBytes(valueType: string, body: Buffer, format: HttpIngressRouteFormat = 'bytes'): Uint8Array {
  const text = (): string => body.toString('utf8');
  switch (valueType) {
    case Types.string.typename:
      return Types.string.serialize(text());
    case Types.bool.typename: {
      const value = text().trim();
      if (value !== 'true' && value !== 'false') throw badValue(valueType, 'true or false');
      return Types.bool.serialize(value === 'true');
    }
    case Types.int.typename:
      return Types.int.serialize(parseInteger(text(), valueType, -(2 ** 31), 2 ** 31 - 1));
    case Types.long.typename:
      return Types.long.serialize(parseInteger(text(), valueType, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    case Types.float.typename:
      return Types.float.serialize(parseNumber(text(), valueType));
    case Types.double.typename:
      return Types.double.serialize(parseNumber(text(), valueType));
    default:
      if (format === 'json') parseJson(text(), valueType);
      return body;
  }
}

function parseInteger(text: string, valueType: string, min: number, max: number): number {
  const trimmed = text.trim();
  // Number('') is 0: an empty body must not become a zero.
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isInteger(value) || value < min || value > max) throw badValue(valueType, `an integer from ${min} to ${max}`);
  return value;
}

function parseJson(text: string, valueType: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    throw badValue(valueType, `JSON (${(error as Error).message}); send the body as JSON, e.g. curl -d '{"key":"value"}'`);
  }
}

function parseNumber(text: string, valueType: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || Number.isNaN(value)) throw badValue(valueType, 'a number');
  return value;
}

function badValue(valueType: string, expected: string): KeyflowError {
  return new KeyflowError(IngressErrorCodes.BAD_VALUE, `The body is not a valid ${valueType}: expected ${expected}.`);
}
