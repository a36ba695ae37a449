import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { KeyflowError, type Logger } from '@keyflow/sdk';
import type { PbAddress } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { Envelope } from '../message/envelope';
import { describeAddress } from '../message/address-key';
import { OtlpHttpSender } from './otlp-http-sender';
import { OtlpSpanProcessor } from './otlp-span-processor';
import { traceParentOf, type TraceParent } from './trace-parent';

/** How the runtime exports traces (off without it). */
export interface TracingOptions {
  /** The OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces` (protobuf). */
  readonly otlpEndpoint: string;
  /** The share of new traces recorded, 0 to 1 (default 1). A trace that comes in keeps its own decision. */
  readonly sampleRatio?: number;
  /** The `service.name` of the spans; default `keyflow`. */
  readonly serviceName?: string;
}

/** A span the runtime started: its context for the messages it causes, and how to end it. */
export interface TracedStep {
  /** The context that messages and records this step causes carry (their parent). */
  readonly parent: TraceParent;
  /** A record this step sent to egress `egressId`: an event `egress <id>` of its span. */
  recordEgress(egressId: string): void;
  end(error?: Error): void;
}

/**
 * Traces of messages through the runtime, as OpenTelemetry spans exported over OTLP: an
 * ingress request, each invocation (a child of the message that caused it), and each egress
 * record (an event `egress <id>` of the invocation that sent it). StateFun answers a batch as a
 * whole; Keyflow's in-process sdk says where each invocation's effects begin, and for other
 * endpoints a message in a recorded trace travels in a batch of its own, so that every effect is
 * told to the invocation that caused it. The context travels on messages as a `traceparent` header (see
 * {@link TRACEPARENT}), set by the runtime on every message a traced batch sends or delays, so
 * functions of any SDK take part without doing anything.
 *
 * Sampling is decided once, where a trace begins: an ingress request without a `traceparent`
 * is recorded with the ratio's probability; one with a `traceparent` follows its sampled flag.
 * A message without a sampled context costs a header lookup and nothing else.
 */
export class RuntimeTracing {
  readonly #tracer: Tracer;
  readonly #ratio: number;

  private constructor(
    private readonly provider: TracerProvider | undefined,
    tracer: Tracer,
    ratio: number,
  ) {
    this.#tracer = tracer;
    this.#ratio = ratio;
  }

  /** Tracing that records nothing. */
  static readonly OFF = new RuntimeTracing(undefined, trace.getTracer('off'), 0);

  /** Tracing exported over OTLP/HTTP (protobuf) to `options.otlpEndpoint`; `KF_TRACING_INVALID` for a bad endpoint or ratio. */
  static start(options: TracingOptions, logger: Logger): RuntimeTracing {
    const url = URL.canParse(options.otlpEndpoint) ? new URL(options.otlpEndpoint) : undefined;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new KeyflowError(
        RuntimeErrorCodes.TRACING_INVALID,
        `The OTLP traces endpoint ${JSON.stringify(options.otlpEndpoint)} is not an http(s) URL; give the collector's, e.g. http://127.0.0.1:4318/v1/traces.`,
      );
    }
    const ratio = options.sampleRatio ?? 1;
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new KeyflowError(RuntimeErrorCodes.TRACING_INVALID, `The trace sample ratio ${ratio} is not between 0 and 1; e.g. 0.01 records one trace in a hundred.`);
    }
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'keyflow' }),
      // The runtime decides which traces to record (see the class comment); every span it starts is recorded.
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new OtlpSpanProcessor(new OtlpHttpSender(url, logger), logger)],
    });
    return new RuntimeTracing(provider, provider.getTracer('@keyflow/runtime'), ratio);
  }

  /** False when nothing is recorded. */
  get enabled(): boolean {
    return this.provider !== undefined;
  }

  /**
   * A message enters: the span of its ingress (`name`, e.g. `POST /greeter` or `receive orders`),
   * a child of `incoming` when the request or record brought one; undefined when the trace is not
   * recorded. `kind` is `server` for a request answered (HTTP), `consumer` for a record read from
   * a log (Kafka, Kinesis).
   */
  startIngress(name: string, incoming: TraceParent | undefined, attributes?: Record<string, string>, kind: 'server' | 'consumer' = 'server'): TracedStep | undefined {
    if (this.provider === undefined) return undefined;
    if (incoming === undefined ? Math.random() >= this.#ratio : !incoming.sampled) return undefined;
    return this.#start(name, kind === 'server' ? SpanKind.SERVER : SpanKind.CONSUMER, incoming, attributes ?? {});
  }

  /**
   * A batch of `envelopes` goes to the function at `address`: the span of each invocation whose
   * message is in a recorded trace (aligned with `envelopes`, undefined for the others), or
   * undefined when none is.
   */
  startInvocations(address: PbAddress, envelopes: readonly Envelope[]): (TracedStep | undefined)[] | undefined {
    if (this.provider === undefined) return undefined;
    let spans: (TracedStep | undefined)[] | undefined;
    for (let index = 0; index < envelopes.length; index++) {
      const headers = (envelopes[index] as Envelope).headers;
      if (headers === undefined) continue;
      const parent = traceParentOf(headers);
      if (parent?.sampled !== true) continue;
      spans ??= new Array<TracedStep | undefined>(envelopes.length).fill(undefined);
      spans[index] = this.#start(`invoke ${address.namespace}/${address.type}`, SpanKind.CONSUMER, parent, {
        'keyflow.address': describeAddress(address),
        'keyflow.batch.size': String(envelopes.length),
      });
    }
    return spans;
  }

  /** Exports what is still buffered and stops; spans the endpoint does not take are dropped (the exporter warned). */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown().catch(() => undefined);
  }

  #start(name: string, kind: SpanKind, parent: TraceParent | undefined, attributes: Record<string, string>): TracedStep {
    const context = parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remoteContext(parent));
    const span: Span = this.#tracer.startSpan(name, { kind, attributes }, context);
    const { traceId, spanId } = span.spanContext();
    return {
      parent: { traceId, spanId, sampled: true },
      recordEgress(egressId) {
        span.addEvent(`egress ${egressId}`, { 'keyflow.egress': egressId });
      },
      end(error) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        span.end();
      },
    };
  }
}

function remoteContext(parent: TraceParent) {
  return { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true };
}
