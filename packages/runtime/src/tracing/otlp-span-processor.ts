import { TraceFlags } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Logger } from '@keyflow/sdk';
import { writeExportRequest, writeSpan } from './otlp-span-encoding';
import { ProtoWriter } from './proto-writer';

/** Limits of the export: spans per request, spans waiting at most, and how long a span waits for its batch. */
export interface OtlpExportLimits {
  readonly batchSpans: number;
  readonly maxWaitingSpans: number;
  readonly delayMs: number;
}

const DEFAULT_LIMITS: OtlpExportLimits = { batchSpans: 512, maxWaitingSpans: 2048, delayMs: 1_000 };

/** Where encoded export requests go (the runtime's OtlpHttpSender). */
export interface SpanSender {
  /** Sends one `ExportTraceServiceRequest`; settles when done, never rejects. */
  post(body: Uint8Array): Promise<void>;
}

interface ReadyRequest {
  readonly body: Buffer;
  readonly spans: number;
}

/**
 * Exports recorded spans over OTLP/HTTP in batches, as the SDK's BatchSpanProcessor does, but
 * encodes each span into its batch's bytes the moment it ends instead of keeping the span
 * objects until the export: kept spans outlive a young-generation collection or two and are
 * copied and promoted, and the batch processor with the library's encoder cost about half as
 * much again per traced message at a 1 % sample (bench/runtime/observability-overhead.ts).
 * One export is in flight at a time; beyond `maxWaitingSpans` waiting, new spans are dropped,
 * with a warning once until the backlog clears.
 */
export class OtlpSpanProcessor implements SpanProcessor {
  readonly #batch = new ProtoWriter();
  readonly #request = new ProtoWriter();
  #batchSpans = 0;
  #origin: { readonly resource: Resource; readonly scope: InstrumentationScope } | undefined;
  readonly #ready: ReadyRequest[] = [];
  #waiting = 0;
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dropping = false;
  #closed = false;

  constructor(
    private readonly sender: SpanSender,
    private readonly logger: Logger,
    private readonly limits: OtlpExportLimits = DEFAULT_LIMITS,
  ) {}

  onStart(): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    if (this.#closed || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#waiting >= this.limits.maxWaitingSpans) {
      if (!this.#dropping) this.logger.warn('dropping spans: the OTLP endpoint does not take them as fast as they come', { waiting: this.#waiting });
      this.#dropping = true;
      return;
    }
    if (this.#origin !== undefined && (this.#origin.resource !== span.resource || this.#origin.scope !== span.instrumentationScope)) this.#closeBatch();
    this.#origin ??= { resource: span.resource, scope: span.instrumentationScope };
    writeSpan(this.#batch, 2, span);
    this.#batchSpans++;
    this.#waiting++;
    if (this.#batchSpans >= this.limits.batchSpans) {
      this.#closeBatch();
      this.#sendNext();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#closeBatch();
        this.#sendNext();
      }, this.limits.delayMs).unref();
    }
  }

  /** Sends every span that ended so far; resolves once the endpoint answered for all of them. */
  async forceFlush(): Promise<void> {
    this.#closeBatch();
    while (this.#sending !== undefined || this.#ready.length > 0) {
      this.#sendNext();
      await this.#sending;
    }
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
    await this.forceFlush();
  }

  /** The spans written so far become one request, ready to send. */
  #closeBatch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#origin === undefined) return;
    writeExportRequest(this.#request, this.#origin.resource, this.#origin.scope, this.#batch.take());
    this.#ready.push({ body: this.#request.take(), spans: this.#batchSpans });
    this.#origin = undefined;
    this.#batchSpans = 0;
  }

  #sendNext(): void {
    if (this.#sending !== undefined) return;
    const next = this.#ready.shift();
    if (next === undefined) return;
    this.#sending = this.sender.post(next.body).then(() => {
      this.#waiting -= next.spans;
      if (this.#waiting < this.limits.maxWaitingSpans) this.#dropping = false;
      this.#sending = undefined;
      this.#sendNext();
    });
  }
}
