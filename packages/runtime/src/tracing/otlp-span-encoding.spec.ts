import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { writeExportRequest, writeSpan } from './otlp-span-encoding';
import { ProtoWriter } from './proto-writer';

/** Spans made by the SDK itself, covering what the encoding must handle. */
function sdkSpans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'keyflow', 'service.instance.id': 7 }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => void ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  const tracer = provider.getTracer('@keyflow/runtime', '1.2.3');
  const root = tracer.startSpan('POST /greeter', { kind: SpanKind.SERVER, attributes: { 'http.route': '/greeter' } });
  root.end();

  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=value'),
  });
  const child = tracer.startSpan(
    `invoke ${'long/'.repeat(40)}name — ünïcode`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { text: 'ascii', accents: 'ça marche', yes: true, count: 42, negative: -5, big: 2 ** 60, ratio: 0.25, list: ['a', 'b'], numbers: [1, 2.5] },
      links: [{ context: { traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: TraceFlags.NONE }, attributes: { why: 'batch' } }],
      startTime: [4_294_967_295, 999_999_999],
    },
    remote,
  );
  child.addEvent('egress example/out', { 'keyflow.egress': 'example/out' }, [1_700_000_000, 123_456_789]);
  child.addEvent('no attributes');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'the function failed: x'.repeat(10) });
  child.end([4_294_967_296, 5]);
  return ended;
}

describe('OTLP span encoding', () => {
  it('encodes an export request byte for byte as @opentelemetry/otlp-transformer does', () => {
    const spans = sdkSpans();
    const spanWriter = new ProtoWriter(16); // small, so that the buffer grows on the way
    for (const span of spans) writeSpan(spanWriter, 2, span);
    const request = new ProtoWriter(16);
    const first = spans[0] as ReadableSpan;
    writeExportRequest(request, first.resource, first.instrumentationScope, spanWriter.take());

    expect(Buffer.from(request.take()).toString('hex')).toBe(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array).toString('hex'));
  });

  it('writes times past 2^53 nanoseconds exactly', () => {
    const writer = new ProtoWriter();
    writer.fixed64Nanos(1, 4_294_967_295, 999_999_999);
    writer.fixed64Nanos(1, 1_764_000_000, 1);
    const bytes = writer.take();
    expect(bytes.readBigUInt64LE(1)).toBe(4_294_967_295n * 1_000_000_000n + 999_999_999n);
    expect(bytes.readBigUInt64LE(10)).toBe(1_764_000_000n * 1_000_000_000n + 1n);
  });
});
