import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from '@keyflow/sdk';

/** How long one export may take before it counts as failed. */
const EXPORT_TIMEOUT_MS = 10_000;

/**
 * Sends spans to an OTLP/HTTP traces endpoint as protobuf (`ExportTraceServiceRequest`, the
 * encoding of `@opentelemetry/otlp-transformer`). A failed export is dropped, with a warning
 * once until one succeeds again: traces never hold up processing.
 */
export class OtlpHttpExporter implements SpanExporter {
  #warned = false;

  constructor(
    private readonly url: URL,
    private readonly logger: Logger,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
    const send = this.url.protocol === 'https:' ? requestTls : request;
    const outgoing = send(
      this.url,
      { method: 'POST', timeout: EXPORT_TIMEOUT_MS, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength } },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) this.#succeeded(done);
          else this.#failed(done, new Error(`${this.url.href} answered ${status}`));
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${this.url.href} within ${EXPORT_TIMEOUT_MS} ms`)));
    outgoing.on('error', (error) => this.#failed(done, error));
    outgoing.end(body);
  }

  async shutdown(): Promise<void> {
    // Nothing held: each export is its own request.
  }

  #succeeded(done: (result: ExportResult) => void): void {
    this.#warned = false;
    done({ code: ExportResultCode.SUCCESS });
  }

  #failed(done: (result: ExportResult) => void, error: Error): void {
    if (!this.#warned) this.logger.warn('could not export traces; they are dropped until the endpoint answers', { url: this.url.href, error });
    this.#warned = true;
    done({ code: ExportResultCode.FAILED, error });
  }
}
