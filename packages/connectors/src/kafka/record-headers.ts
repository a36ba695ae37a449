import type { PbHeader } from '@keyflow/sdk/protocol';
import type { IHeaders } from 'kafkajs';
import { NULL_HEADER_VALUE, writeNullHeaderValues } from './null-header-value';

// Kafka record headers between kafkajs and the protocol's headers (an invocation argument's
// `TypedValue.metadata`, `KafkaProducerRecord.headers`: a list, since Kafka allows a key more than
// once; a null value, which Kafka allows too, stays null).

/**
 * The headers of a consumed record as a list, or undefined when it has none (the common case,
 * which allocates nothing). kafkajs gives one entry per key, an array when the key repeats, so
 * the values of a key keep their record order and keys come in the order they first appear. A
 * null header value stays null, distinct from an empty one.
 */
export function fromKafkaHeaders(headers: IHeaders | undefined): PbHeader[] | undefined {
  let list: PbHeader[] | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (Array.isArray(value)) {
      for (const item of value) (list ??= []).push({ key, value: headerBytes(item) });
    } else if (value !== undefined) {
      (list ??= []).push({ key, value: headerBytes(value) });
    }
  }
  return list;
}

/**
 * The headers of a record to produce, for kafkajs: a repeated key becomes an array of its
 * values, in order. A null value becomes {@link NULL_HEADER_VALUE}, which kafkajs then writes as
 * Kafka's null header value, distinct from an empty one. Undefined when there are none.
 */
export function toKafkaHeaders(headers: readonly PbHeader[] | undefined): IHeaders | undefined {
  if (headers === undefined || headers.length === 0) return undefined;
  // No prototype: a header named `__proto__` or `constructor` is a header like any other.
  const result = Object.create(null) as Record<string, Buffer | Buffer[]>;
  for (const { key, value } of headers) {
    const bytes = value === null ? nullHeaderValue() : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const existing = result[key];
    if (existing === undefined) result[key] = bytes;
    else if (Array.isArray(existing)) existing.push(bytes);
    else result[key] = [existing, bytes];
  }
  return result;
}

/** The bytes on the wire of `headers`, to size produce requests. */
export function kafkaHeadersSize(headers: readonly PbHeader[] | undefined): number {
  let size = 0;
  for (const { key, value } of headers ?? []) size += Buffer.byteLength(key, 'utf8') + (value?.length ?? 0) + 2;
  return size;
}

function nullHeaderValue(): Buffer {
  writeNullHeaderValues();
  return NULL_HEADER_VALUE;
}

function headerBytes(value: Buffer | string | null): Uint8Array | null {
  if (value === null) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
