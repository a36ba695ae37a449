import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyJson } from '../http-server/json-reply';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { KeyflowRuntime } from '../runtime/keyflow-runtime';

/**
 * `GET /metrics`: Prometheus' text exposition format, or the runtime's counters as JSON when
 * the request's `Accept` prefers `application/json` (as `GET /metrics.json` always does).
 */
export function replyMetrics(runtime: KeyflowRuntime, request: IncomingMessage, response: ServerResponse, json: boolean): void {
  if (json || prefersJson(request.headers.accept)) {
    replyJson(response, 200, runtime.stats());
    return;
  }
  const metrics = runtime.metrics;
  if (metrics === undefined) {
    replyJson(response, 404, {
      code: RuntimeErrorCodes.METRICS_OFF,
      message: 'This runtime was started with metrics: false, so there are no Prometheus metrics; start it without that option, or read GET /metrics.json.',
    });
    return;
  }
  metrics.text().then(
    (text) => {
      response.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text) });
      response.end(text);
    },
    (error: unknown) => replyJson(response, 500, {
        code: RuntimeErrorCodes.METRICS_FAILED,
        message: `Collecting the metrics failed: ${(error as Error).message}. Try again; if it persists, report it with this message.`,
      }),
  );
}

// Prometheus asks for text/plain (or OpenMetrics); only a client that names JSON gets JSON.
function prefersJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/json/i.test(accept) && !/text\/plain|openmetrics/i.test(accept);
}
