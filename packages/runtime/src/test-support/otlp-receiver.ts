import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** A span as an OTLP receiver got it: ids in hex ('' for a root's parent), name and string attributes. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The names of its events, in order. */
  readonly events: readonly string[];
}

/**
 * An OTLP/HTTP traces receiver, as a collector is one: `POST /v1/traces` with an
 * `ExportTraceServiceRequest` in protobuf, decoded here from the wire (the fields of
 * opentelemetry-proto's trace.proto that the tests read), answered 200 with an empty response.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const receiver: OtlpReceiver = new OtlpReceiver(
      createServer((request, response) => {
        const parts: Buffer[] = [];
        request.on('data', (part: Buffer) => parts.push(part));
        request.on('end', () => {
          if (request.method !== 'POST' || request.url !== '/v1/traces' || !String(request.headers['content-type']).includes('protobuf')) {
            response.writeHead(400).end();
            return;
          }
          receiver.spans.push(...decodeExportRequest(Buffer.concat(parts)));
          response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
        });
      }),
    );
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/traces`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** ExportTraceServiceRequest: resource_spans (1) → scope_spans (2) → spans (2). */
function decodeExportRequest(bytes: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fieldsOf(bytes, 1)) {
    for (const scopeSpans of fieldsOf(resourceSpans, 2)) {
      for (const span of fieldsOf(scopeSpans, 2)) spans.push(decodeSpan(span));
    }
  }
  return spans;
}

/**
 * Span: trace_id (1), span_id (2), parent_span_id (4), name (5), attributes (9: KeyValue key 1,
 * AnyValue 2 → string_value 1), events (11: Event name 2).
 */
function decodeSpan(bytes: Uint8Array): ReceivedSpan {
  const hex = (field: number): string => Buffer.from(fieldsOf(bytes, field)[0] ?? new Uint8Array()).toString('hex');
  const text = (data: Uint8Array | undefined): string => Buffer.from(data ?? new Uint8Array()).toString('utf8');
  const attributes: Record<string, string> = {};
  for (const keyValue of fieldsOf(bytes, 9)) {
    const value = fieldsOf(keyValue, 2)[0];
    attributes[text(fieldsOf(keyValue, 1)[0])] = text(value === undefined ? undefined : fieldsOf(value, 1)[0]);
  }
  const events = fieldsOf(bytes, 11).map((event) => text(fieldsOf(event, 2)[0]));
  return { traceId: hex(1), spanId: hex(2), parentSpanId: hex(4), name: text(fieldsOf(bytes, 5)[0]), attributes, events };
}

/** The length-delimited occurrences of field `number` in a message. */
function fieldsOf(bytes: Uint8Array, number: number): Uint8Array[] {
  const reader = new BinaryReader(bytes);
  const found: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === number && wireType === WireType.LengthDelimited) found.push(reader.bytes());
    else reader.skip(wireType);
  }
  return found;
}
