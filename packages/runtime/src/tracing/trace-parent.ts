import type { PbHeader } from '@keyflow/sdk/protocol';

/**
 * W3C Trace Context on messages: the `traceparent` header, carried in an envelope's headers —
 * on the wire the `TypedValue` metadata field that Kafka headers use, so a function sees it as a
 * header, and Kafka records and HTTP requests bring it in under the same name.
 */
export const TRACEPARENT = 'traceparent';

/** A parsed `traceparent`: `00-<trace id>-<parent span id>-<flags>`. */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const utf8 = new TextDecoder();

/** Reads a `traceparent` value; undefined when it is not a valid version-00 one. */
export function parseTraceParent(text: string): TraceParent | undefined {
  // `00-<32 hex>-<16 hex>-<2 hex>`, read by position: this runs for every traced message.
  const value = text.length === 55 ? text : text.trim();
  if (value.length !== 55 || !value.startsWith('00-') || value[35] !== '-' || value[52] !== '-') return undefined;
  if (!isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55)) return undefined;
  const lower = value.toLowerCase();
  const traceId = lower.slice(3, 35);
  const spanId = lower.slice(36, 52);
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (parseInt(lower.slice(53, 55), 16) & 1) === 1 };
}

function isHex(text: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) continue;
    const letter = code | 0x20; // either case
    if (letter < 0x61 || letter > 0x66) return false;
  }
  return true;
}

export function formatTraceParent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-${parent.sampled ? '01' : '00'}`;
}

/** The `traceparent` among `headers`, if any and valid. */
export function traceParentOf(headers: readonly PbHeader[] | undefined): TraceParent | undefined {
  if (headers === undefined) return undefined;
  for (const header of headers) {
    if (header.key === TRACEPARENT && header.value !== null) return parseTraceParent(utf8.decode(header.value));
  }
  return undefined;
}

/** True for a message in a recorded trace (a sampled `traceparent`). */
export function inRecordedTrace(envelope: { readonly headers?: readonly PbHeader[] | undefined }): boolean {
  return envelope.headers !== undefined && traceParentOf(envelope.headers)?.sampled === true;
}

/** `headers` with their `traceparent` set to `parent` (other headers kept, in order). */
export function withTraceParent(headers: readonly PbHeader[] | undefined, parent: TraceParent): PbHeader[] {
  const others = (headers ?? []).filter((header) => header.key !== TRACEPARENT);
  return [...others, { key: TRACEPARENT, value: Buffer.from(formatTraceParent(parent)) }];
}
