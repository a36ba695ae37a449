import { AttemptFailure, type AttemptFailureKind } from './attempt-failure';
import type { EndpointUrl } from './endpoint-url';
import type { ExchangeListener, HttpConnection } from './http-connection';
import type { HttpReply } from './http-response-parser';
import type { OriginPool } from './origin-pool';
import { TimeoutSweep, type Expiring } from './timeout-sweep';

/** Where one function's requests go, prepared once and reused for every call. */
export interface PostRoute {
  readonly url: EndpointUrl;
  readonly origin: OriginPool;
  /** The request line and the headers every request has, each line ending in CRLF (Content-Length comes last, per request). */
  readonly head: string;
}

/** The time limits of one attempt, in milliseconds. */
export interface AttemptLimits {
  /** Establishing a new connection (TLS handshake included); a pooled one is ready at once. */
  readonly connectMs: number;
  /** Sending the request, once connected. */
  readonly writeMs: number;
  /** From the request fully sent to the response fully read. */
  readonly readMs: number;
  /** What is left of the call timeout: caps the whole attempt. */
  readonly budgetMs: number;
  /** The largest response body accepted. */
  readonly maxResponseBytes: number;
}

// Timeouts are checked this often; one may fire up to this much late.
const TIMEOUT_TICK_MS = 10;
const sweep = new TimeoutSweep(TIMEOUT_TICK_MS);

/** Prepares the requests of an endpoint URL for {@link postOnce}, over connections of `origin`. */
export function routeOf(url: EndpointUrl, origin: OriginPool): PostRoute {
  const host = url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname;
  const defaultPort = url.tls ? 443 : 80;
  // The headers Node's http client sends for the same request; a Unix socket's host is localhost.
  const head =
    `POST ${url.path} HTTP/1.1\r\n` +
    `Host: ${url.port === defaultPort ? host : `${host}:${url.port}`}\r\n` +
    `Content-Type: application/octet-stream\r\n` +
    `Connection: keep-alive\r\n`;
  return { url, origin, head };
}

/**
 * Sends one POST over a pooled keep-alive connection and reads the whole response; `headers` are
 * this request's own header lines, each ending in CRLF. Rejects with
 * an {@link AttemptFailure} when the connection fails, a phase times out, or the body is too large.
 */
export function postOnce(route: PostRoute, body: Uint8Array, limits: AttemptLimits, headers = ''): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    // Throws (and so rejects) once the pool is destroyed.
    const connection = route.origin.acquire();
    const attempt = new PostAttempt(connection, limits, resolve, reject);
    connection.send(`${route.head}${headers}Content-Length: ${body.byteLength}\r\n\r\n`, body, limits.maxResponseBytes, attempt);
  });
}

/**
 * One request on one connection, through its phases: connecting, sending, waiting for the
 * response. Each phase has its own time limit, and the call's budget caps them all; the shared
 * {@link TimeoutSweep} ends the attempt when the current phase's deadline passes.
 */
class PostAttempt implements ExchangeListener, Expiring {
  deadline = Infinity;
  #phase: AttemptFailureKind = 'connect-timeout';
  #phaseMs = 0;
  /** Whether the call budget, not the phase's own limit, sets the deadline. */
  #capped = false;
  #settled = false;
  readonly #budgetEnd: number;

  constructor(
    private readonly connection: HttpConnection,
    private readonly limits: AttemptLimits,
    private readonly resolve: (reply: HttpReply) => void,
    private readonly reject: (failure: AttemptFailure) => void,
  ) {
    const now = performance.now();
    this.#budgetEnd = now + limits.budgetMs;
    this.#enter('connect-timeout', limits.connectMs, now);
    sweep.track(this);
  }

  connected(): void {
    this.#enter('write-timeout', this.limits.writeMs, performance.now());
  }

  sent(): void {
    this.#enter('read-timeout', this.limits.readMs, performance.now());
  }

  answered(reply: HttpReply): void {
    if (this.#settle()) this.resolve(reply);
  }

  failed(failure: AttemptFailure): void {
    if (this.#settle()) this.reject(failure);
  }

  expire(): void {
    const doing = phaseOf(this.#phase);
    // Destroying the connection reports the failure back through failed().
    this.connection.destroy(
      this.#capped
        ? new AttemptFailure('call-timeout', `the call timeout ran out while ${doing}`, true)
        : new AttemptFailure(this.#phase, `no progress within ${this.#phaseMs} ms while ${doing}`, true),
    );
  }

  #enter(phase: AttemptFailureKind, ms: number, now: number): void {
    this.#phase = phase;
    this.#phaseMs = ms;
    this.#capped = this.#budgetEnd <= now + ms;
    this.deadline = this.#capped ? this.#budgetEnd : now + ms;
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    sweep.untrack(this);
    return true;
  }
}

/** What the attempt was doing when a phase of this kind timed out. */
function phaseOf(kind: AttemptFailureKind): string {
  if (kind === 'connect-timeout') return 'connecting';
  if (kind === 'write-timeout') return 'sending the request';
  return 'waiting for the response';
}
