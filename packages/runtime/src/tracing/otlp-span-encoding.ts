import type { AttributeValue, Attributes, HrTime, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { Wire, type ProtoWriter } from './proto-writer';

// Field numbers of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1).
// The encoding follows the same presence rules as @opentelemetry/otlp-transformer, whose
// output the unit test compares byte for byte.

/** OTLP span flags: the low byte is the W3C trace flags; these say whether the parent was remote. */
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/**
 * Appends `span` as a `Span` in field `field` of the message being written (`ScopeSpans.spans`
 * is field 2). The span's resource and scope are not written: see {@link writeExportRequest}.
 */
export function writeSpan(writer: ProtoWriter, field: number, span: ReadableSpan): void {
  const start = writer.begin(field);
  const context = span.spanContext();
  writeContextIds(writer, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) writer.hexBytes(4, parent.spanId);
  writer.string(5, span.name);
  // The API's kinds start at INTERNAL = 0; OTLP keeps 0 for "unspecified".
  writer.tag(6, Wire.Varint);
  writer.varint(span.kind + 1);
  writeTime(writer, 7, span.startTime);
  writeTime(writer, 8, span.endTime);
  writeAttributes(writer, 9, span.attributes);
  writeCount(writer, 10, span.droppedAttributesCount);
  for (const event of span.events) {
    const eventStart = writer.begin(11);
    writeTime(writer, 1, event.time);
    writer.string(2, event.name);
    if (event.attributes) writeAttributes(writer, 3, event.attributes);
    writeCount(writer, 4, event.droppedAttributesCount ?? 0);
    writer.end(eventStart);
  }
  writeCount(writer, 12, span.droppedEventsCount);
  for (const link of span.links) {
    const linkStart = writer.begin(13);
    writeContextIds(writer, link.context);
    if (link.attributes) writeAttributes(writer, 4, link.attributes);
    writeCount(writer, 5, link.droppedAttributesCount ?? 0);
    writer.fixed32(6, spanFlags(link.context, link.context.isRemote));
    writer.end(linkStart);
  }
  writeCount(writer, 14, span.droppedLinksCount);
  const status = writer.begin(15);
  if (span.status.message) writer.string(2, span.status.message);
  writer.tag(3, Wire.Varint);
  writer.varint(span.status.code);
  writer.end(status);
  writer.fixed32(16, spanFlags(context, parent?.isRemote));
  writer.end(start);
}

/**
 * Writes an `ExportTraceServiceRequest` of one resource and one scope whose `Span` messages
 * are `spans` (as {@link writeSpan} wrote them with field 2, back to back).
 */
export function writeExportRequest(writer: ProtoWriter, resource: Resource, scope: InstrumentationScope, spans: Uint8Array): void {
  const resourceSpans = writer.begin(1);
  const resourceStart = writer.begin(1);
  writeAttributes(writer, 1, resource.attributes);
  writeCount(writer, 2, 0);
  writer.end(resourceStart);
  const scopeSpans = writer.begin(2);
  const scopeStart = writer.begin(1);
  writer.string(1, scope.name);
  if (scope.version) writer.string(2, scope.version);
  writer.end(scopeStart);
  writer.raw(spans);
  if (scope.schemaUrl) writer.string(3, scope.schemaUrl);
  writer.end(scopeSpans);
  if (resource.schemaUrl) writer.string(3, resource.schemaUrl);
  writer.end(resourceSpans);
}

function writeContextIds(writer: ProtoWriter, context: SpanContext): void {
  writer.hexBytes(1, context.traceId);
  writer.hexBytes(2, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) writer.string(3, traceState);
}

function spanFlags(context: SpanContext, parentIsRemote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (parentIsRemote ? FLAG_IS_REMOTE : 0);
}

function writeTime(writer: ProtoWriter, field: number, time: HrTime): void {
  writer.fixed64Nanos(field, time[0], time[1]);
}

function writeCount(writer: ProtoWriter, field: number, count: number): void {
  writer.tag(field, Wire.Varint);
  writer.varint(count);
}

/** Each attribute as a `KeyValue` in field `field`. */
function writeAttributes(writer: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const keyValue = writer.begin(field);
    writer.string(1, key);
    const value = writer.begin(2);
    writeAnyValue(writer, attributes[key]);
    writer.end(value);
    writer.end(keyValue);
  }
}

/** The fields of an `AnyValue` for `value` (none for undefined or null). */
function writeAnyValue(writer: ProtoWriter, value: AttributeValue | Attributes | Uint8Array | null | undefined): void {
  if (typeof value === 'string') {
    writer.string(1, value);
  } else if (typeof value === 'boolean') {
    writer.tag(2, Wire.Varint);
    writer.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      writer.tag(3, Wire.Varint);
      writer.int64(value);
    } else {
      writer.double(4, value);
    }
  } else if (value instanceof Uint8Array) {
    writer.bytes(7, value);
  } else if (Array.isArray(value)) {
    const array = writer.begin(5);
    for (const item of value as readonly unknown[]) {
      const itemStart = writer.begin(1);
      writeAnyValue(writer, item as AttributeValue);
      writer.end(itemStart);
    }
    writer.end(array);
  } else if (typeof value === 'object' && value !== null) {
    const list = writer.begin(6);
    writeAttributes(writer, 1, value);
    writer.end(list);
  }
}
