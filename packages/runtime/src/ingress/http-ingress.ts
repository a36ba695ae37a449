import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KeyflowError, parseTypename, readRequestBody } from '@keyflow/sdk';
import { readEnvelope, writeEnvelope, type Envelope } from '../message/envelope';
import type { HttpIngressConfig, HttpIngressRoute } from '../config/module-config';
import { ByteReader, ByteWriter } from '../message/binary-codec';
import type { BackendOp } from '../state/state-backend';
import type { Ingress, IngressCheckpoint, IngressContext, IngressHealth } from './ingress';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { replyJson } from '../http-server/json-reply';
import { IngressErrorCodes } from './ingress-error-codes';
import { IngressLog } from './ingress-log';
import { ingressValueBytes } from './ingress-value';
import { RouteTokens } from './route-tokens';

/** Prefix of the idempotency keys an HTTP ingress stores through checkpoints. */

interface Accepted {
  /** The request's `Idempotency-Key` scoped to its route and id (see {@link scopedKey}); '' when none. */
  readonly idempotencyKey: string;
  readonly acceptedAt: number;
  readonly envelopes: readonly Envelope[];
  /** {@link requestFingerprint} of the request; '' in records written before keys had one. */
  readonly fingerprint: string;
}

/** An accepted idempotency key: when, and which request (its fingerprint; '' when unknown). */
interface KeyUse {
  readonly acceptedAt: number;
  readonly fingerprint: string;
}

/**
 * `io.keyflow.http.v1/ingress`: `POST <route path>/<id>` delivers the body to every target of
 * the route, as a value of the route's type.
 *
 * It answers 202 only once the message is in a local append-only log on disk; the log position
 * goes into checkpoints, so after a crash the messages accepted since the last checkpoint are
 * delivered again from the log, and none that was answered 202 is lost.
 *
 * An `Idempotency-Key` is scoped to the route and id of its request. Within the window, the same
 * request again under a used key is answered 202 `duplicate` and not ingested again; a different
 * body under it is refused with 422 `KF_INGRESS_IDEMPOTENCY_KEY_REUSED`, as idempotency APIs do.
 */
export class HttpIngress implements Ingress {
  readonly id: string;
  readonly #config: HttpIngressConfig;
  #context: IngressContext | undefined;
  #log: IngressLog | undefined;
  #server: Server | undefined;
  /** The sequence number of the first log record not yet handed to the dispatcher. */
  #next = 1;
  #stopping = false;
  readonly #keys = new Map<string, KeyUse>();
  readonly #inProgress = new Map<string, Promise<void>>();
  /** Accepted idempotency keys not yet in a committed checkpoint, oldest first. */
  #newKeys: [string, KeyUse][] = [];
  /** How many of {@link #newKeys} the checkpoint under way carries. */
  #keysInCheckpoint = 0;

  /** The bearer tokens of the routes that have `auth`, by route path. */
  readonly #routeTokens = new Map<string, RouteTokens>();

  constructor(config: HttpIngressConfig) {
    this.id = config.id;
    this.#config = config;
  }

  /** Where the server listens (after start). */
  get address(): AddressInfo {
    return this.#server?.address() as AddressInfo;
  }

  async start(context: IngressContext, position: Uint8Array | undefined): Promise<void> {
    this.#context = context;
    for (const route of this.#config.routes) {
      for (const target of route.targets) {
        if (!context.servesFunction(target)) {
          throw new KeyflowError(
            RuntimeErrorCodes.MODULE_INVALID,
            `${this.#config.source.file}:${this.#config.source.line}: HTTP ingress ${this.id} routes ${route.path} to ${target}, but no endpoint serves that function.`,
          );
        }
      }
    }
    for (const route of this.#config.routes) {
      if (route.auth !== undefined) this.#routeTokens.set(route.path, await RouteTokens.load(route.path, route.auth, context.logger));
    }
    await this.#restoreKeys();
    this.#next = position ? (JSON.parse(Buffer.from(position).toString('utf8')) as { next: number }).next : 1;
    this.#log = await IngressLog.open(join(context.stateDir, 'ingress', safeName(this.id)));
    await this.#log.skipTo(this.#next);
    let replayed = 0;
    for await (const record of this.#log.read(this.#next)) {
      this.#deliver(decodeAccepted(record.payload));
      this.#next = record.seq + 1;
      replayed++;
    }
    if (replayed > 0) context.logger.info('replayed accepted messages from the ingress log', { ingress: this.id, replayed });
    this.#server = createServer({ keepAlive: true }, (request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        context.logger.error('HTTP ingress failed to answer', { ingress: this.id, error });
        if (!response.headersSent) replyJson(response, 500, { code: IngressErrorCodes.NOT_DURABLE, message: String(error) });
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#config.port, this.#config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** Degraded while its log cannot be written (a full disk): requests get 503 until it can. */
  health(): IngressHealth {
    const failure = this.#log?.writeFailure;
    return failure === undefined ? { status: 'ok' } : { status: 'degraded', reason: `${failure.code}: ${failure.message}` };
  }

  checkpoint(): IngressCheckpoint {
    const ops: BackendOp[] = this.#newKeys.map(([key, use]) => ({
      type: 'put' as const,
      key,
      value: encodeKeyUse(use),
    }));
    this.#keysInCheckpoint = this.#newKeys.length;
    const oldest = (this.#context?.clock() ?? Date.now()) - this.#config.idempotencyWindowMs;
    for (const [key, { acceptedAt }] of this.#keys) {
      if (acceptedAt >= oldest) continue;
      this.#keys.delete(key);
      ops.push({ type: 'del', key });
    }
    return { position: Buffer.from(JSON.stringify({ next: this.#next })), ops };
  }

  async checkpointCommitted(position: Uint8Array): Promise<void> {
    const { next } = JSON.parse(Buffer.from(position).toString('utf8')) as { next: number };
    this.#newKeys.splice(0, this.#keysInCheckpoint);
    this.#keysInCheckpoint = 0;
    await this.#log?.truncateBefore(next);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const server = this.#server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }
    await Promise.all(this.#inProgress.values());
    await this.#log?.close();
    for (const tokens of this.#routeTokens.values()) tokens.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const context = this.#context as IngressContext;
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('Allow', 'POST');
      return replyJson(response, 405, {
        code: IngressErrorCodes.BAD_REQUEST,
        message: `${request.method ?? 'This method'} is not supported: POST the message body to <route>/<id>.`,
      });
    }
    const match = this.#route(request.url ?? '/');
    if (!match) {
      request.resume();
      return replyJson(response, 404, {
        code: IngressErrorCodes.NO_ROUTE,
        message: `No route of ingress ${this.id} matches ${request.url ?? ''}; routes: ${this.#config.routes.map((route) => `${route.path}/{id}`).join(', ')}.`,
      });
    }
    if ('error' in match) {
      request.resume();
      return replyJson(response, 400, { code: IngressErrorCodes.BAD_REQUEST, message: match.error });
    }
    const tokens = this.#routeTokens.get(match.route.path);
    if (tokens !== undefined && !tokens.accepts(request)) {
      request.resume();
      response.setHeader('WWW-Authenticate', `Bearer realm="${match.route.path}"`);
      return replyJson(response, 401, {
        code: IngressErrorCodes.UNAUTHORIZED,
        message: `Route ${match.route.path} of ingress ${this.id} takes requests with one of its tokens only: send Authorization: Bearer <token>.`,
      });
    }
    if (this.#stopping || context.paused) {
      request.resume();
      response.setHeader('Retry-After', '1');
      return replyJson(response, 503, {
        code: IngressErrorCodes.UNAVAILABLE,
        message: this.#stopping ? 'The runtime is stopping; retry later.' : 'The runtime is busy (backpressure); retry after the Retry-After delay.',
      });
    }
    const body = await readRequestBody(request, this.#config.maxBodyBytes);
    if (!body) {
      response.setHeader('Connection', 'close');
      return replyJson(response, 413, {
        code: IngressErrorCodes.BODY_TOO_LARGE,
        message: `The body exceeds the limit of ${this.#config.maxBodyBytes} bytes.`,
      });
    }
    let value: Uint8Array;
    try {
      value = ingressValueBytes(match.route.valueType, body, match.route.format);
    } catch (error) {
      return replyJson(response, 400, { code: (error as KeyflowError).code, message: (error as Error).message });
    }

    const requestKey = headerValue(request.headers['idempotency-key']);
    const idempotencyKey = requestKey === '' ? '' : scopedKey(match.route.path, match.id, requestKey);
    const fingerprint = requestKey === '' ? '' : requestFingerprint(body);
    if (idempotencyKey !== '') {
      await this.#inProgress.get(idempotencyKey);
      const used = this.#keys.get(idempotencyKey);
      if (used !== undefined) {
        if (used.fingerprint === '' || used.fingerprint === fingerprint) return replyJson(response, 202, { status: 'duplicate', idempotencyKey: requestKey });
        return replyJson(response, 422, {
          code: IngressErrorCodes.IDEMPOTENCY_KEY_REUSED,
          message: `Idempotency-Key ${JSON.stringify(requestKey)} was already used for a different request to ${match.route.path}/${match.id} (another body) within the idempotency window; it was not accepted. Send a new request with a new key.`,
        });
      }
    }
    const accepted: Accepted = {
      idempotencyKey,
      fingerprint,
      acceptedAt: context.clock(),
      envelopes: match.route.targets.map((typename) => {
        const { namespace, name } = parseTypename(typename);
        return {
          target: { namespace, type: name, id: match.id },
          argument: { typename: match.route.valueType, hasValue: true, value },
          caller: undefined,
        };
      }),
    };
    const appended = (this.#log as IngressLog).append(encodeAccepted(accepted));
    if (idempotencyKey !== '') {
      this.#inProgress.set(idempotencyKey, appended.then(() => undefined, () => undefined));
    }
    let seq: number;
    try {
      seq = await appended;
    } catch (error) {
      // Not accepted; the log takes appends again once it can write (space is back): retry.
      response.setHeader('Retry-After', '1');
      return replyJson(response, 503, {
        code: IngressErrorCodes.NOT_DURABLE,
        message: `The message could not be made durable, and was not accepted: ${(error as Error).message}. Retry after the Retry-After delay.`,
      });
    } finally {
      if (idempotencyKey !== '') this.#inProgress.delete(idempotencyKey);
    }
    this.#deliver(accepted);
    this.#next = seq + 1;
    replyJson(response, 202, { status: 'accepted', seq });
  }

  #deliver(accepted: Accepted): void {
    if (accepted.idempotencyKey !== '') {
      const use: KeyUse = { acceptedAt: accepted.acceptedAt, fingerprint: accepted.fingerprint };
      this.#keys.set(accepted.idempotencyKey, use);
      this.#newKeys.push([accepted.idempotencyKey, use]);
    }
    for (const envelope of accepted.envelopes) this.#context?.enqueue(envelope);
  }

  #route(url: string): { route: HttpIngressRoute; id: string } | { error: string } | undefined {
    const path = url.split('?')[0] ?? '';
    for (const route of this.#config.routes) {
      if (!path.startsWith(`${route.path}/`)) continue;
      const rawId = path.slice(route.path.length + 1);
      let id: string;
      try {
        id = decodeURIComponent(rawId);
      } catch {
        return { error: `The id ${JSON.stringify(rawId)} is not valid URL encoding.` };
      }
      if (id === '' || rawId.includes('/')) {
        return { error: `Expected ${route.path}/{id} with one non-empty id segment (encode '/' in ids as %2F).` };
      }
      return { route, id };
    }
    return undefined;
  }

  async #restoreKeys(): Promise<void> {
    const context = this.#context as IngressContext;
    for await (const [key, value] of context.store.scan()) this.#keys.set(key, decodeKeyUse(value));
  }
}

function encodeAccepted(accepted: Accepted): Buffer {
  const writer = new ByteWriter(128);
  writer.string(accepted.idempotencyKey).double(accepted.acceptedAt).varint(accepted.envelopes.length);
  for (const envelope of accepted.envelopes) writeEnvelope(writer, envelope);
  // Last, so that records written before fingerprints existed still decode.
  writer.string(accepted.fingerprint);
  return writer.finish();
}

function decodeAccepted(payload: Uint8Array): Accepted {
  const reader = new ByteReader(payload);
  const idempotencyKey = reader.string();
  const acceptedAt = reader.double();
  const count = reader.varint();
  const envelopes: Envelope[] = [];
  for (let index = 0; index < count; index++) envelopes.push(readEnvelope(reader));
  const fingerprint = reader.done ? '' : reader.string();
  return { idempotencyKey, acceptedAt, envelopes, fingerprint };
}

/** An idempotency key as the ingress keeps it: one key space per route and id. */
function scopedKey(routePath: string, id: string, key: string): string {
  return `${routePath}\u0000${id}\u0000${key}`;
}

/** What tells two requests under one key apart (route and id are in the key): the body. */
function requestFingerprint(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** `<acceptedAt>` or `<acceptedAt> <fingerprint>` (keys stored before fingerprints have none). */
function encodeKeyUse(use: KeyUse): Buffer {
  return Buffer.from(use.fingerprint === '' ? String(use.acceptedAt) : `${use.acceptedAt} ${use.fingerprint}`);
}

function decodeKeyUse(value: Uint8Array): KeyUse {
  const [acceptedAt = '', fingerprint = ''] = Buffer.from(value).toString('utf8').split(' ');
  return { acceptedAt: Number(acceptedAt), fingerprint };
}

function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}


function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
