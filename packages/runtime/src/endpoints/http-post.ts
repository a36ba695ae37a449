import { request as httpRequest, type Agent, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { AttemptFailure, failureOfNetworkError, type AttemptFailureKind } from './attempt-failure';
import type { EndpointUrl } from './endpoint-url';

/** Where one function's requests go, prepared once and reused for every call. */
export interface PostRoute {
  readonly url: EndpointUrl;
  readonly options: RequestOptions;
  readonly send: typeof httpRequest;
}

/** The time limits of one attempt, in milliseconds. */
export interface AttemptLimits {
  /** Waiting for a pooled connection or establishing a new one. */
  readonly connectMs: number;
  /** Sending the request body, once connected. */
  readonly writeMs: number;
  /** From the request fully sent to the response fully read. */
  readonly readMs: number;
  /** What is left of the call timeout: caps the whole attempt. */
  readonly budgetMs: number;
  /** The largest response body accepted. */
  readonly maxResponseBytes: number;
}

/** A complete HTTP response, whatever its status. */
export interface HttpReply {
  readonly status: number;
  readonly statusText: string;
  readonly body: Buffer;
}

const CONTENT_TYPE = { 'Content-Type': 'application/octet-stream' };

/** Prepares the request options of an endpoint URL for {@link postOnce}. */
export function routeOf(url: EndpointUrl, agent: Agent): PostRoute {
  const options: RequestOptions = {
    agent,
    method: 'POST',
    path: url.path,
    headers: CONTENT_TYPE,
    ...(url.socketPath === undefined
      ? { hostname: url.hostname, port: url.port }
      : { socketPath: url.socketPath, hostname: url.hostname }),
  };
  return { url, options, send: url.tls ? httpsRequest : httpRequest };
}

/**
 * Sends one POST over a pooled connection and reads the whole response. Rejects with an
 * {@link AttemptFailure} when the connection fails, a phase times out, or the body is too large.
 */
export function postOnce(route: PostRoute, body: Uint8Array, limits: AttemptLimits): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    const budgetEnd = performance.now() + limits.budgetMs;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    const fail = (failure: AttemptFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(failure);
    };
    // One timer, re-armed for each phase; the call budget caps every phase. With the usual
    // settings (write and read timeouts equal to the call timeout) it is armed only twice.
    let timerCapped = false;
    let phase: AttemptFailureKind = 'connect-timeout';
    const arm = (kind: AttemptFailureKind, ms: number): void => {
      phase = kind;
      const left = budgetEnd - performance.now();
      const capped = left <= ms;
      if (capped && timerCapped) return;
      clearTimeout(timer);
      timerCapped = capped;
      timer = setTimeout(
        () =>
          fail(
            capped
              ? new AttemptFailure('call-timeout', `the call timeout ran out while ${phaseOf(phase)}`, true)
              : new AttemptFailure(kind, `no progress within ${ms} ms while ${phaseOf(kind)}`, true),
          ),
        Math.max(0, capped ? left : ms),
      );
    };

    const request = route.send(route.options);
    request.setHeader('Content-Length', body.byteLength);
    arm('connect-timeout', limits.connectMs);
    request.on('socket', (socket: Socket) => {
      if (socket.connecting) socket.once('connect', () => arm('write-timeout', limits.writeMs));
      else arm('write-timeout', limits.writeMs);
    });
    request.on('finish', () => arm('read-timeout', limits.readMs));
    request.on('error', (error) => fail(failureOfNetworkError(error)));
    request.on('response', (response: IncomingMessage) => {
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxResponseBytes) {
        fail(tooLarge(`declares ${declared} bytes`, limits.maxResponseBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) fail(tooLarge(`reached ${size} bytes`, limits.maxResponseBytes));
        else chunks.push(chunk);
      });
      response.on('error', (error) => fail(failureOfNetworkError(error)));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
        });
      });
    });
    request.end(body);
  });
}

/** What the attempt was doing when a phase of this kind timed out. */
function phaseOf(kind: AttemptFailureKind): string {
  if (kind === 'connect-timeout') return 'connecting';
  if (kind === 'write-timeout') return 'sending the request';
  return 'waiting for the response';
}

function tooLarge(what: string, limit: number): AttemptFailure {
  return new AttemptFailure(
    'too-large',
    `the response body ${what}, over the limit of ${limit} bytes (transport.payload_max_bytes)`,
    false,
  );
}
