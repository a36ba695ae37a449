import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KeyflowError, parseTypename, readRequestBody } from '@keyflow/sdk';
import type { PbTypedValue } from '@keyflow/sdk/protocol';
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
import { replyBody } from './reply-body';
import { RequestReplies, requestReply, type RequestReply } from './request-replies';
import { RouteTokens } from './route-tokens';
import { TRACEPARENT, formatTraceParent, parseTraceParent, withTraceParent } from '../tracing/trace-parent';

/** The longest a request waits for its reply (`Prefer: wait` or a route's `waitForReply`); a longer wish is cut to it. */
export const MAX_REPLY_WAIT_MS = 60_000;

interface Accepted {
  /** The request's `Idempotency-Key` scoped to its route and id (see {@link scopedKey}); '' when none. */
  readonly idempotencyKey: string;
  readonly acceptedAt: number;
  readonly envelopes: readonly Envelope[];
  /** {@link requestFingerprint} of the request; '' in records written before keys had one. */
  readonly fingerprint: string;
  /**
   * The client waits for the reply: the messages get a caller address that routes it back.
   * Such a request is not logged: the commit that carries its reply (or one asked for when
   * none came in time) makes it durable. Never true in the log.
   */
  readonly wantsReply: boolean;
}

/** Where an ingress resumes: its log's next record, and the next id for a request that waits for a reply. */
interface Position {
  readonly next: number;
  readonly nextRequest: number;
}

/**
 * An accepted idempotency key: when, which request (its fingerprint; '' when unknown), its
 * log sequence number or, when it waits for a reply, its request id (0 when unknown).
 */
interface KeyUse {
  readonly acceptedAt: number;
  readonly fingerprint: string;
  readonly seq: number;
  readonly wantsReply: boolean;
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
 *
 * Request/response: a request with `Prefer: wait=<seconds>` (or to a route with `waitForReply`)
 * gets a caller address (see {@link IngressContext.callerAddress}); the function's message to
 * its caller is the reply. It answers 200 with the reply once a committed checkpoint holds it
 * (the runtime commits at once for it), or 202 with a `Location` to poll (`GET`) when none came
 * in time, once a commit holds the request. Such a request skips the log: the commit that holds
 * its reply holds its effects, so one durable write, not two, stands between it and its answer.
 * The same request again under its `Idempotency-Key` gets the same reply.
 */
export class HttpIngress implements Ingress {
  readonly id: string;
  readonly #config: HttpIngressConfig;
  #context: IngressContext | undefined;
  #log: IngressLog | undefined;
  #server: Server | undefined;
  /** The sequence number of the first log record not yet handed to the dispatcher. */
  #next = 1;
  /** The id of the next request that waits for a reply (their own numbering, beside the log's). */
  #nextRequest = 1;
  /** Requests below this id are in a committed checkpoint: durable. */
  #durableBelow = 1;
  /** Clients waiting for their request to be durable, to answer 202, by request id. */
  #durabilityWaiters: { readonly id: number; readonly resolve: () => void }[] = [];
  #stopping = false;
  readonly #keys = new Map<string, KeyUse>();
  readonly #inProgress = new Map<string, Promise<void>>();
  /** Accepted idempotency keys not yet in a committed checkpoint, oldest first. */
  #newKeys: [string, KeyUse][] = [];
  /** How many of {@link #newKeys} the checkpoint under way carries. */
  #keysInCheckpoint = 0;

  /** The bearer tokens of the routes that have `auth`, by route path. */
  readonly #routeTokens = new Map<string, RouteTokens>();
  /** Requests that wait for a reply, and their replies. */
  readonly #replies: RequestReplies;
  /**
   * Replies that came before {@link start} restored the requests (to messages that recovery put
   * back in their mailboxes, which run at once); undefined once restored.
   */
  #earlyReplies: [string, PbTypedValue][] | undefined = [];

  constructor(config: HttpIngressConfig) {
    this.id = config.id;
    this.#config = config;
    this.#replies = new RequestReplies({ retentionMs: config.replyRetentionMs, maxKept: config.maxKeptReplies });
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
    const resumed = position === undefined ? { next: 1, nextRequest: 1 } : decodePosition(position);
    this.#next = resumed.next;
    this.#nextRequest = resumed.nextRequest;
    this.#durableBelow = resumed.nextRequest;
    this.#log = await IngressLog.open(join(context.stateDir, 'ingress', safeName(this.id)));
    await this.#log.skipTo(this.#next);
    let replayed = 0;
    for await (const record of this.#log.read(this.#next)) {
      this.#deliver(decodeAccepted(record.payload), record.seq);
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
    const now = this.#context?.clock() ?? Date.now();
    const oldest = now - this.#config.idempotencyWindowMs;
    // Keys are in the order of acceptance (restored ones sorted so): the oldest come first.
    for (const [key, { acceptedAt }] of this.#keys) {
      if (acceptedAt >= oldest) break;
      this.#keys.delete(key);
      ops.push({ type: 'del', key });
    }
    const droppedBefore = this.#replies.droppedEarly;
    ops.push(...this.#replies.capture(now));
    if (droppedBefore === 0 && this.#replies.droppedEarly > 0) {
      this.#context?.logger.warn(
        `more than maxKeptReplies (${this.#config.maxKeptReplies}) requests wait for or hold a reply: the oldest are let go before replyRetention (${this.#config.replyRetentionMs / 1000} s) is over; raise maxKeptReplies if clients poll for replies that long`,
        { ingress: this.id },
      );
    }
    return { position: encodePosition({ next: this.#next, nextRequest: this.#nextRequest }), ops };
  }

  /** Its log is on this machine's disk, like the local commit: what the commit holds, it may cut. */
  committedLocally(position: Uint8Array): Promise<void> {
    return this.checkpointCommitted(position);
  }

  async checkpointCommitted(position: Uint8Array): Promise<void> {
    this.#replies.committed();
    const { next, nextRequest } = decodePosition(position);
    this.#durableBelow = nextRequest;
    const durable = this.#durabilityWaiters.filter((waiter) => waiter.id < nextRequest);
    this.#durabilityWaiters = this.#durabilityWaiters.filter((waiter) => waiter.id >= nextRequest);
    for (const waiter of durable) waiter.resolve();
    this.#newKeys.splice(0, this.#keysInCheckpoint);
    this.#keysInCheckpoint = 0;
    await this.#log?.truncateBefore(next);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    // Requests waiting for a reply get their 202 (with the Location) now, not after their wait.
    this.#replies.endWaits();
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

  receiveReply(requestId: string, value: PbTypedValue): void {
    if (this.#earlyReplies !== undefined) {
      this.#earlyReplies.push([requestId, value]);
      return;
    }
    const seq = Number(requestId);
    const first = Number.isSafeInteger(seq) && this.#replies.answer(seq, requestReply(value));
    if (first) this.#context?.requestCommit();
    else this.#context?.logger.debug('ignored a reply: its request has one already, or is unknown', { ingress: this.id, request: requestId });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const context = this.#context as IngressContext;
    if (request.method === 'GET') return this.#poll(request, response);
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('Allow', 'POST, GET');
      return replyJson(response, 405, {
        code: IngressErrorCodes.BAD_REQUEST,
        message: `${request.method ?? 'This method'} is not supported: POST the message body to <route>/<id>, or GET the reply at the Location a 202 gave.`,
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
    if (!this.#authorized(match.route, request, response)) return;
    const waitMs = replyWaitMs(request, match.route);
    if ('error' in waitMs) {
      request.resume();
      return replyJson(response, 400, { code: IngressErrorCodes.BAD_REQUEST, message: waitMs.error });
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
        if (used.fingerprint === '' || used.fingerprint === fingerprint) {
          if (used.wantsReply) return this.#answer(response, match.route.path, match.id, used.seq, waitMs.ms ?? 0);
          return replyJson(response, 202, { status: 'duplicate', idempotencyKey: requestKey });
        }
        return replyJson(response, 422, {
          code: IngressErrorCodes.IDEMPOTENCY_KEY_REUSED,
          message: `Idempotency-Key ${JSON.stringify(requestKey)} was already used for a different request to ${match.route.path}/${match.id} (another body) within the idempotency window; it was not accepted. Send a new request with a new key.`,
        });
      }
    }
    // A recorded trace: this request's span, a child of the client's `traceparent`; its messages carry it on.
    const traced = !context.tracing.enabled
      ? undefined
      : context.tracing.startIngress(`POST ${match.route.path}`, parseTraceParent(headerValue(request.headers[TRACEPARENT])), {
          'http.route': match.route.path,
          'keyflow.id': match.id,
        });
    if (traced !== undefined) {
      response.setHeader(TRACEPARENT, formatTraceParent(traced.parent));
      response.once('close', () => traced.end());
    }
    const accepted: Accepted = {
      idempotencyKey,
      fingerprint,
      wantsReply: waitMs.ms !== undefined,
      acceptedAt: context.clock(),
      envelopes: match.route.targets.map((typename) => {
        const { namespace, name } = parseTypename(typename);
        return {
          target: { namespace, type: name, id: match.id },
          argument: { typename: match.route.valueType, hasValue: true, value },
          caller: undefined,
          ...(traced === undefined ? {} : { headers: withTraceParent(undefined, traced.parent) }),
        };
      }),
    };
    if (accepted.wantsReply) {
      const requestId = this.#nextRequest++;
      this.#deliver(accepted, requestId);
      return this.#answer(response, match.route.path, match.id, requestId, waitMs.ms ?? 0);
    }
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
    this.#deliver(accepted, seq);
    this.#next = seq + 1;
    replyJson(response, 202, { status: 'accepted', seq });
  }

  /** Hands an accepted request's messages over; `seq`: its log sequence number, or its request id when it waits for a reply. */
  #deliver(accepted: Accepted, seq: number): void {
    const context = this.#context as IngressContext;
    if (accepted.idempotencyKey !== '') {
      const use: KeyUse = { acceptedAt: accepted.acceptedAt, fingerprint: accepted.fingerprint, seq, wantsReply: accepted.wantsReply };
      this.#keys.set(accepted.idempotencyKey, use);
      this.#newKeys.push([accepted.idempotencyKey, use]);
    }
    if (!accepted.wantsReply) {
      for (const envelope of accepted.envelopes) context.enqueue(envelope);
      return;
    }
    // Every target of a route gets the same id: one request waits for the first reply of any of them.
    this.#replies.add(seq, accepted.envelopes[0]?.target.id ?? '', accepted.acceptedAt);
    const caller = context.callerAddress(String(seq));
    for (const envelope of accepted.envelopes) context.enqueue({ ...envelope, caller });
  }

  /**
   * Answers request `seq` (to `<routePath>/<id>`) with its reply: at once when released, else
   * once released within `waitMs`; when it does not come in time, 202 with the `Location` to
   * poll, once the request is durable (a 202 promises that it is not lost).
   */
  async #answer(response: ServerResponse, routePath: string, id: string, seq: number, waitMs: number): Promise<void> {
    const known = this.#replies.lookup(seq, id);
    if (known.status === 'released') return sendReply(response, known.reply);
    if (known.status === 'unknown') {
      return replyJson(response, 202, { status: 'duplicate', seq, message: `Its reply is no longer kept (${this.#keptRepliesLimits()}).` });
    }
    const reply = waitMs > 0 ? await this.#replies.wait(seq, waitMs) : undefined;
    if (reply !== undefined) return sendReply(response, reply);
    await this.#durable(seq);
    const location = `${routePath}/${encodeURIComponent(id)}/replies/${seq}`;
    response.setHeader('Location', location);
    response.setHeader('Retry-After', '1');
    return replyJson(response, 202, { status: 'pending', seq, location });
  }

  /** Resolves once request `id` (one that waits for a reply) is in a committed checkpoint; asks for a commit. */
  #durable(id: number): Promise<void> {
    if (id < this.#durableBelow) return Promise.resolve();
    this.#context?.requestCommit();
    return new Promise((resolve) => this.#durabilityWaiters.push({ id, resolve }));
  }

  /** `GET <route>/<id>/replies/<seq>`: the reply of an accepted request, waiting for it as `Prefer: wait` says. */
  async #poll(request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.resume();
    const match = this.#replyLocation(request.url ?? '/');
    if (match === undefined) {
      response.setHeader('Allow', 'POST');
      return replyJson(response, 405, {
        code: IngressErrorCodes.BAD_REQUEST,
        message: `GET is for a reply's Location (<route>/<id>/replies/<seq>, as a 202 gave it); POST a message to <route>/<id>.`,
      });
    }
    if (!this.#authorized(match.route, request, response)) return;
    const waitMs = replyWaitMs(request, undefined);
    if ('error' in waitMs) return replyJson(response, 400, { code: IngressErrorCodes.BAD_REQUEST, message: waitMs.error });
    const known = this.#replies.lookup(match.seq, match.id);
    if (known.status === 'unknown') {
      return replyJson(response, 404, {
        code: IngressErrorCodes.NO_REPLY,
        message: `No reply of request ${match.seq} to ${match.route.path}/${match.id} is kept: no such request waited for one, or it is no longer kept (${this.#keptRepliesLimits()}).`,
      });
    }
    return this.#answer(response, match.route.path, match.id, match.seq, waitMs.ms ?? 0);
  }

  /** How long and how many replies are kept, as error messages say it. */
  #keptRepliesLimits(): string {
    return `replyRetention ${this.#config.replyRetentionMs / 1000} s, maxKeptReplies ${this.#config.maxKeptReplies}`;
  }

  /** Checks the route's bearer tokens; when they refuse the request, answers 401 and returns false. */
  #authorized(route: HttpIngressRoute, request: IncomingMessage, response: ServerResponse): boolean {
    const tokens = this.#routeTokens.get(route.path);
    if (tokens === undefined || tokens.accepts(request)) return true;
    request.resume();
    response.setHeader('WWW-Authenticate', `Bearer realm="${route.path}"`);
    replyJson(response, 401, {
      code: IngressErrorCodes.UNAUTHORIZED,
      message: `Route ${route.path} of ingress ${this.id} takes requests with one of its tokens only: send Authorization: Bearer <token>.`,
    });
    return false;
  }

  #replyLocation(url: string): { route: HttpIngressRoute; id: string; seq: number } | undefined {
    const path = url.split('?')[0] ?? '';
    const found = /^(.*)\/([^/]+)\/replies\/(\d+)$/.exec(path);
    if (found === null) return undefined;
    const route = this.#config.routes.find((candidate) => candidate.path === found[1]);
    if (route === undefined) return undefined;
    try {
      return { route, id: decodeURIComponent(found[2] as string), seq: Number(found[3]) };
    } catch {
      return undefined;
    }
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
    const keys: [string, KeyUse][] = [];
    const requests: [string, Uint8Array][] = [];
    for await (const [key, value] of context.store.scan()) {
      if (RequestReplies.isStoreKey(key)) requests.push([key, value]);
      else keys.push([key, decodeKeyUse(value)]);
    }
    keys.sort(([, a], [, b]) => a.acceptedAt - b.acceptedAt);
    for (const [key, use] of keys) this.#keys.set(key, use);
    this.#replies.restore(requests);
    const early = this.#earlyReplies ?? [];
    this.#earlyReplies = undefined;
    for (const [requestId, value] of early) this.receiveReply(requestId, value);
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
  return { idempotencyKey, acceptedAt, envelopes, fingerprint, wantsReply: false };
}

function encodePosition(position: Position): Buffer {
  return Buffer.from(JSON.stringify(position));
}

/** Positions written before replies existed have no `nextRequest`. */
function decodePosition(bytes: Uint8Array): Position {
  const { next, nextRequest } = JSON.parse(Buffer.from(bytes).toString('utf8')) as { next: number; nextRequest?: number };
  return { next, nextRequest: nextRequest ?? 1 };
}

/** An idempotency key as the ingress keeps it: one key space per route and id. */
function scopedKey(routePath: string, id: string, key: string): string {
  return `${routePath}\u0000${id}\u0000${key}`;
}

/** What tells two requests under one key apart (route and id are in the key): the body. */
function requestFingerprint(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/**
 * `<acceptedAt> <fingerprint> <seq> <1 when it waits for a reply, else 0>`; keys stored by
 * older versions have only the first one or two.
 */
function encodeKeyUse(use: KeyUse): Buffer {
  return Buffer.from(`${use.acceptedAt} ${use.fingerprint} ${use.seq} ${use.wantsReply ? 1 : 0}`);
}

function decodeKeyUse(value: Uint8Array): KeyUse {
  const [acceptedAt = '', fingerprint = '', seq = '0', wantsReply = '0'] = Buffer.from(value).toString('utf8').split(' ');
  return { acceptedAt: Number(acceptedAt), fingerprint, seq: Number(seq), wantsReply: wantsReply === '1' };
}

/**
 * How long a request waits for its reply: `Prefer: wait=<seconds>` (RFC 7240), else the
 * route's `waitForReply`; undefined: it does not wait (a plain 202).
 */
function replyWaitMs(request: IncomingMessage, route: HttpIngressRoute | undefined): { ms: number | undefined } | { error: string } {
  const prefer = headerValue(request.headers.prefer);
  const found = /(?:^|[\s,;])wait\s*=\s*"?([^",;\s]*)"?/i.exec(prefer);
  if (found === null) return { ms: route?.waitForReplyMs };
  const seconds = Number(found[1]);
  if (found[1] === '' || !Number.isFinite(seconds) || seconds < 0) {
    return { error: `Prefer: wait=${found[1] ?? ''} is not a number of seconds; send e.g. Prefer: wait=5.` };
  }
  return { ms: Math.min(seconds * 1000, MAX_REPLY_WAIT_MS) };
}

function sendReply(response: ServerResponse, reply: RequestReply): void {
  const { contentType, body } = replyBody(reply);
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.byteLength, 'Keyflow-Type': reply.typename });
  response.end(body);
}

function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}


function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
