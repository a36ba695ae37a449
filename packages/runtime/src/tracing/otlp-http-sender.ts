import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import type { Logger } from '@keyflow/sdk';

/** How long one export may take before it counts as failed. */
const EXPORT_TIMEOUT_MS = 10_000;

/**
 * Posts encoded `ExportTraceServiceRequest`s to an OTLP/HTTP traces endpoint (protobuf). A
 * failed export is dropped, with a warning once until one succeeds again: traces never hold up
 * processing.
 */
export class OtlpHttpSender {
  #warned = false;

  constructor(
    private readonly url: URL,
    private readonly logger: Logger,
  ) {}

  /** Sends `body`; resolves when the endpoint answered or the export failed (never rejects). */
  post(body: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      const send = this.url.protocol === 'https:' ? requestTls : request;
      const outgoing = send(
        this.url,
        { method: 'POST', timeout: EXPORT_TIMEOUT_MS, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength } },
        (response) => {
          response.resume();
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) this.#warned = false;
            else this.#failed(new Error(`${this.url.href} answered ${status}`));
            resolve();
          });
          // A response cut off never ends; its close still settles the export.
          response.on('close', resolve);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${this.url.href} within ${EXPORT_TIMEOUT_MS} ms`)));
      outgoing.on('error', (error) => {
        this.#failed(error);
        resolve();
      });
      outgoing.end(body);
    });
  }

  #failed(error: Error): void {
    if (!this.#warned) this.logger.warn('could not export traces; they are dropped until the endpoint answers', { url: this.url.href, error });
    this.#warned = true;
  }
}
