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

const TRACEPARENT_FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const utf8 = new TextDecoder();

/** Reads a `traceparent` value; undefined when it is not a valid version-00 one. */
export function parseTraceParent(text: string): TraceParent | undefined {
  const found = TRACEPARENT_FORMAT.exec(text.trim().toLowerCase());
  if (found === null) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = found;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
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
