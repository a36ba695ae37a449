import { KeyflowError, SdkErrorCodes, silentLogger, type Logger } from '@keyflow/sdk';
import {
  MIN_SIGNING_SECRET_LENGTH,
  decodeFromFunction,
  encodeToFunction,
  signRequestBody,
  type SigningKey,
  type PbAddress,
  type PbFromFunction,
  type PbInvocationBatchRequest,
} from '@keyflow/sdk/protocol';
import { describeAddress } from '../message/address-key';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { HttpEndpointConfig, RequestSigningConfig, TransportConfig } from '../config/module-config';
import { AttemptFailure, isTransientStatus } from '../http-client/attempt-failure';
import { ConnectionPool } from '../http-client/connection-pool';
import { expandUrlTemplate, parseEndpointUrl } from '../http-client/endpoint-url';
import type { FunctionEndpoint } from './function-endpoint';
import type { EndpointStats } from '../metrics/runtime-sources';
import { postOnce, routeOf, type PostRoute } from '../http-client/http-post';
import type { HttpReply } from '../http-client/http-response-parser';
import { InFlightLimit } from '../http-client/in-flight-limit';
import { backoffDelayMs } from '../retry/retry-backoff';
import { loadTlsMaterial } from '../http-client/tls-material';

/** Options of {@link HttpFunctionEndpoint}. */
export interface HttpFunctionEndpointOptions {
  /** Where retries are logged (warn). Default: nothing is logged. */
  readonly logger?: Logger;
  /**
   * Awaited before each retry, bounded by the call timeout: a supervised sidecar's `ready()`,
   * so that a call waits for a restarted process instead of hammering a missing socket.
   */
  readonly waitUntilReady?: () => Promise<void>;
}

// The last attempt gets at least this much of the call timeout; with less left, give up.
const MIN_ATTEMPT_MS = 10;
// How much of an error body goes into an error message.
const MAX_ERROR_BODY_CHARS = 2_000;

/**
 * Functions behind an HTTP(S) URL or a Unix socket (`http+unix://`), StateFun's
 * `io.statefun.endpoints.v2/http`. Keeps connections alive in a pool, applies the connect,
 * write, read and call timeouts, and retries transient failures (connection errors,
 * timeouts, 408, 429, 5xx) with exponential backoff until the call timeout runs out.
 *
 * @example
 * const endpoint = new HttpFunctionEndpoint(config, { logger });
 * const fromFunction = await endpoint.invoke(batch);
 * await endpoint.close();
 */
export class HttpFunctionEndpoint implements FunctionEndpoint {
  readonly description: string;
  private readonly transport: TransportConfig;
  private readonly pool: ConnectionPool;
  private readonly routes = new Map<string, PostRoute>();
  private readonly logger: Logger;
  private readonly waitUntilReady: (() => Promise<void>) | undefined;
  private closed = false;
  private failedAttempts = 0;
  private retries = 0;
  /** Calls beyond the pool size wait here, in arrival order. */
  private readonly inFlight: InFlightLimit;
  /** The key requests are signed with, when the endpoint has `signing`. */
  private readonly signingKey: SigningKey | undefined;

  constructor(config: HttpEndpointConfig, options: HttpFunctionEndpointOptions = {}) {
    this.description = config.urlPathTemplate;
    this.transport = config.transport;
    this.logger = options.logger ?? silentLogger;
    this.waitUntilReady = options.waitUntilReady;
    this.inFlight = new InFlightLimit(config.transport.poolSize);
    this.signingKey = config.signing === undefined ? undefined : signingKeyOf(config.signing);
    try {
      parseEndpointUrl(expandUrlTemplate(config.urlPathTemplate, 'function'));
    } catch (error) {
      throw new KeyflowError(
        RuntimeErrorCodes.MODULE_INVALID,
        `${config.source.file}:${config.source.line}: urlPathTemplate ${(error as Error).message}.`,
        { cause: error },
      );
    }
    const tls = loadTlsMaterial(config.transport.tls, config.source);
    try {
      this.pool = new ConnectionPool(config.transport, tls);
    } catch (error) {
      throw new KeyflowError(
        RuntimeErrorCodes.MODULE_INVALID,
        `${config.source.file}:${config.source.line}: the TLS files cannot be used (${(error as Error).message}).`,
        { cause: error },
      );
    }
  }

  async invoke(batch: PbInvocationBatchRequest): Promise<PbFromFunction> {
    const target = batch.target;
    if (target === undefined) {
      throw new KeyflowError(RuntimeErrorCodes.ENDPOINT_FAILED, `A batch for ${this.description} has no target address.`);
    }
    const route = this.routeFor(target);
    const body = encodeToFunction(batch);
    const { callMs, connectMs, writeMs, readMs, payloadMaxBytes } = this.transport;
    const deadline = performance.now() + callMs;
    for (let attempt = 1; ; attempt++) {
      this.assertOpen(target, route);
      let failure: AttemptFailure;
      try {
        const waiting = this.inFlight.acquire();
        if (waiting !== undefined) await waiting;
        let reply;
        try {
          // Signed per attempt: a retry after a long wait carries a fresh time.
          const headers = this.signingKey === undefined ? '' : `Keyflow-Signature: ${signRequestBody(body, this.signingKey, Date.now())}\r\n`;
          reply = await postOnce(
            route,
            body,
            { connectMs, writeMs, readMs, budgetMs: deadline - performance.now(), maxResponseBytes: payloadMaxBytes },
            headers,
          );
        } finally {
          this.inFlight.release();
        }
        if (reply.status >= 200 && reply.status < 300) return this.decode(reply, target, route);
        failure = statusFailure(reply);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        failure = error;
      }
      this.failedAttempts++;
      if (!failure.transient) throw this.failed(failure.message, target, route, failure);
      const left = deadline - performance.now();
      const delay = Math.min(backoffDelayMs(attempt), left - MIN_ATTEMPT_MS);
      if (delay < 0 || this.closed) throw this.unreachable(target, route, attempt, failure);
      this.logger.warn('retrying a function call', {
        address: describeAddress(target),
        url: route.url.href,
        attempt,
        error: failure.message,
        delayMs: delay,
      });
      this.retries++;
      await sleep(delay);
      if (this.waitUntilReady !== undefined) await within(this.waitUntilReady(), deadline - performance.now());
    }
  }

  stats(): EndpointStats {
    return { failedAttempts: this.failedAttempts, retries: this.retries, openConnections: this.pool.openConnections() };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.destroy();
  }

  private routeFor(target: PbAddress): PostRoute {
    let route = this.routes.get(target.type);
    if (route === undefined) {
      const href = expandUrlTemplate(this.description, target.type);
      let url;
      try {
        url = parseEndpointUrl(href);
      } catch (error) {
        throw new KeyflowError(
          RuntimeErrorCodes.ENDPOINT_FAILED,
          `Cannot call ${describeAddress(target)}: the endpoint URL ${(error as Error).message}.`,
          { cause: error },
        );
      }
      route = routeOf(url, this.pool.originOf(url));
      this.routes.set(target.type, route);
    }
    return route;
  }

  private decode(reply: HttpReply, target: PbAddress, route: PostRoute): PbFromFunction {
    try {
      return decodeFromFunction(reply.body);
    } catch (error) {
      this.failedAttempts++;
      throw this.failed(
        `it answered ${reply.status} with a body that is not a FromFunction message (${(error as Error).message})`,
        target,
        route,
        error,
      );
    }
  }

  private failed(reason: string, target: PbAddress, route: PostRoute, cause: unknown): KeyflowError {
    return new KeyflowError(
      RuntimeErrorCodes.ENDPOINT_FAILED,
      `The call of ${describeAddress(target)} at ${route.url.href} failed: ${reason}.`,
      { cause },
    );
  }

  private unreachable(target: PbAddress, route: PostRoute, attempts: number, last: AttemptFailure): KeyflowError {
    const why = this.closed ? 'the endpoint was closed' : `the call timeout of ${this.transport.callMs} ms ran out`;
    return new KeyflowError(
      RuntimeErrorCodes.ENDPOINT_UNREACHABLE,
      `The call of ${describeAddress(target)} at ${route.url.href} did not succeed: ${why} after ` +
        `${attempts} attempt${attempts === 1 ? '' : 's'}; last error: ${last.message}. ` +
        `Check that the function service is running and reachable; the batch can be sent again.`,
      { cause: last },
    );
  }

  private assertOpen(target: PbAddress, route: PostRoute): void {
    if (!this.closed) return;
    throw new KeyflowError(
      RuntimeErrorCodes.ENDPOINT_UNREACHABLE,
      `The call of ${describeAddress(target)} at ${route.url.href} was not sent: the endpoint is closed.`,
    );
  }
}

/** A failure for a non-2xx answer: transient for 408, 429 and 5xx, final for the rest. */
function statusFailure(reply: HttpReply): AttemptFailure {
  const message = `it answered ${reply.status} ${reply.statusText}`.trimEnd() + describeErrorBody(reply.body);
  if (isTransientStatus(reply.status)) return new AttemptFailure('status', message, true);
  return new AttemptFailure('status', `${message} (a ${reply.status} is not retried)`, false);
}

/** `: [code] message` of a Keyflow sdk JSON error body, else `: <text>`, else nothing. */
function describeErrorBody(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.toString('utf8', 0, Math.min(body.length, MAX_ERROR_BODY_CHARS * 4)).slice(0, MAX_ERROR_BODY_CHARS);
  try {
    const json = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof json.code === 'string' && typeof json.message === 'string') {
      return json.message.startsWith(`[${json.code}]`) ? `: ${json.message}` : `: [${json.code}] ${json.message}`;
    }
  } catch {
    // Not JSON: the text as it is.
  }
  return `: ${text.trim()}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise`, at most `ms`; a rejection counts as "stop waiting" too. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  try {
    await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The signing key of an endpoint's `signing`, its secret read from the environment now. */
function signingKeyOf(signing: RequestSigningConfig): SigningKey {
  const secret = process.env[signing.secretEnv];
  const where = `${signing.source.file}:${signing.source.line}: signing key '${signing.keyId}' takes its secret from $${signing.secretEnv}`;
  if (secret === undefined || secret === '') {
    throw new KeyflowError(SdkErrorCodes.SIGNING_KEY_INVALID, `${where}, which is not set: set it to the secret the function service has for '${signing.keyId}'.`);
  }
  if (secret.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new KeyflowError(SdkErrorCodes.SIGNING_KEY_INVALID, `${where}, which is ${secret.length} characters long: give at least ${MIN_SIGNING_SECRET_LENGTH}.`);
  }
  return { id: signing.keyId, secret };
}
