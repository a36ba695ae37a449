import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { PbHeader } from '../protocol/wire-types';

/** A header value: text (sent as UTF-8), bytes, or null (Kafka's null header value). */
export type KafkaHeaderValue = string | Uint8Array | null;

/**
 * The headers of an outgoing Kafka record, in one of two forms:
 *
 * - an object from key to value, with an array for a key sent more than once:
 *   `{ 'trace-id': id, tag: ['a', 'b'] }`;
 * - a list of `{ key, value }` in the order they go on the record, which is also what
 *   `msg.headers` of an incoming message is, so a function can pass a record's headers on.
 *
 * @example
 * kafkaEgressMessage({ egress: 'example/out', topic: 'out', value: 'hi', headers: { 'trace-id': traceId } });
 * kafkaEgressMessage({ egress: 'example/out', topic: 'out', value: 'hi', headers: msg.headers });
 */
export type KafkaHeaders =
  | Readonly<Record<string, KafkaHeaderValue | readonly KafkaHeaderValue[]>>
  | readonly { readonly key: string; readonly value: KafkaHeaderValue }[];

/**
 * The wire headers of `headers`, or undefined when there are none (so that the record encodes
 * as StateFun's). Throws `KF_INVALID_MESSAGE`, naming `where` and the header, on anything else
 * than the two forms of {@link KafkaHeaders}.
 */
export function toPbHeaders(headers: KafkaHeaders | undefined, where: string): PbHeader[] | undefined {
  if (headers === undefined) return undefined;
  const pbHeaders: PbHeader[] = [];
  if (Array.isArray(headers)) {
    (headers as readonly unknown[]).forEach((entry, index) => pbHeaders.push(listEntry(entry, `${where}: headers[${index}]`)));
  } else if (isPlainObject(headers)) {
    for (const [key, value] of Object.entries(headers)) {
      if (Array.isArray(value)) {
        value.forEach((item: unknown, index) => pbHeaders.push({ key, value: headerBytes(item, `${where}: header '${key}'[${index}]`) }));
      } else {
        pbHeaders.push({ key, value: headerBytes(value, `${where}: header '${key}'`) });
      }
    }
  } else {
    throw invalid(
      `${where}: headers is ${describe(headers)}; pass a plain object of key → value (an array of values for a repeated key) or a list of { key, value }.`,
    );
  }
  return pbHeaders.length === 0 ? undefined : pbHeaders;
}

/** One `{ key, value }` of the list form. */
function listEntry(entry: unknown, where: string): PbHeader {
  const shape = 'each entry of a header list must be { key: string, value: string | Uint8Array | null }';
  if (typeof entry !== 'object' || entry === null) throw invalid(`${where} is ${describe(entry)}; ${shape}.`);
  const { key, value } = entry as { key?: unknown; value?: unknown };
  if (typeof key !== 'string') throw invalid(`${where}.key is ${describe(key)}; ${shape}.`);
  return { key, value: headerBytes(value, `${where} ('${key}')`) };
}

function headerBytes(value: unknown, where: string): Uint8Array | null {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array || value === null) return value;
  throw invalid(`${where} is ${describe(value)}; a header value must be a string, a Uint8Array or null (leave the header out to send none).`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** What a bad value is, for error messages: `null`, `a number`, `a Map`, `an object`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  if (typeof value === 'object') return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object'}`;
  return `a ${typeof value}`;
}

function invalid(message: string): KeyflowError {
  return new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, message);
}
