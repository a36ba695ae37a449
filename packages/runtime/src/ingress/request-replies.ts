import type { PbTypedValue } from '@keyflow/sdk/protocol';
import { ByteReader, ByteWriter } from '../message/binary-codec';
import type { BackendOp } from '../state/state-backend';

/** The answer a function gave to an ingress request. */
export interface RequestReply {
  readonly typename: string;
  readonly value: Uint8Array;
}

/** A request that waits for a reply: its id (of the target address), when accepted, and its reply once given. */
interface WaitingRequest {
  readonly id: string;
  readonly acceptedAt: number;
  /** The reply, once a function gave it (maybe not yet durable). */
  reply: RequestReply | undefined;
  /** True once the reply is in a committed checkpoint: only then may a client see it. */
  released: boolean;
}

/** What one checkpoint wrote of a request: the reply it held then, if any. */
interface CapturedRequest {
  readonly seq: number;
  readonly reply: RequestReply | undefined;
}

/** Where the records of requests live among an ingress's own keys: apart from every idempotency key (those begin with a route path). */
export const REQUEST_KEY_PREFIX = '\u0001req/';

/** How long requests and their replies are kept, and how many at most. */
export interface ReplyRetention {
  /** From a request's acceptance. */
  readonly retentionMs: number;
  /** The oldest go first when there are more (memory stays bounded at any rate of requests). */
  readonly maxKept: number;
}

/**
 * The requests of an ingress that wait for a reply, by their sequence number, and their
 * replies. A reply is released to clients only once a committed checkpoint holds it — and with
 * it the effects of the invocation that gave it — so that no client sees an answer that a
 * crash takes back. Requests and replies are stored with checkpoints and kept for
 * `retentionMs` after their request was accepted, the newest `maxKept` of them at most.
 */
export class RequestReplies {
  /** In sequence order (the order of acceptance). */
  readonly #requests = new Map<number, WaitingRequest>();
  /** Requests changed since the last committed checkpoint, oldest first (repeats allowed). */
  #unsaved: number[] = [];
  /** What the checkpoint under way holds: {@link #unsaved}'s first {@link #capturedCount} entries. */
  #captured: CapturedRequest[] = [];
  #capturedCount = 0;
  readonly #waiters = new Map<number, ((reply: RequestReply | undefined) => void)[]>();

  /** How many requests were let go before their retention was over, because more than `maxKept` were kept. */
  #droppedEarly = 0;

  constructor(private readonly retention: ReplyRetention) {}

  /** Requests let go before their retention was over (more than `maxKept` were kept), since the start. */
  get droppedEarly(): number {
    return this.#droppedEarly;
  }

  /** Requests restored from the ingress's store, for {@link restore}. */
  static isStoreKey(key: string): boolean {
    return key.startsWith(REQUEST_KEY_PREFIX);
  }

  /** Takes back what checkpoints stored; `entries` in any order. Replies stored were committed. */
  restore(entries: readonly (readonly [string, Uint8Array])[]): void {
    const decoded = entries.map(([key, value]) => [Number(key.slice(REQUEST_KEY_PREFIX.length)), decodeRequest(value)] as const);
    decoded.sort(([a], [b]) => a - b);
    for (const [seq, request] of decoded) this.#requests.set(seq, request);
  }

  /** Request `seq` (to the address with `id`) waits for a reply. Called again on replay: then a no-op. */
  add(seq: number, id: string, acceptedAt: number): void {
    if (this.#requests.has(seq)) return;
    this.#requests.set(seq, { id, acceptedAt, reply: undefined, released: false });
    this.#unsaved.push(seq);
  }

  /** A function answered request `seq`: true when it is the request's first reply (later ones are ignored). */
  answer(seq: number, reply: RequestReply): boolean {
    const request = this.#requests.get(seq);
    if (request === undefined || request.reply !== undefined) return false;
    request.reply = reply;
    this.#unsaved.push(seq);
    return true;
  }

  /**
   * The state of request `seq` for a client asking about it with the `id` it was sent to:
   * `released` with its reply, `pending`, or `unknown` (never waited for a reply, another id,
   * or older than the retention).
   */
  lookup(seq: number, id: string): { readonly status: 'released'; readonly reply: RequestReply } | { readonly status: 'pending' | 'unknown' } {
    const request = this.#requests.get(seq);
    if (request === undefined || request.id !== id) return { status: 'unknown' };
    if (request.released && request.reply !== undefined) return { status: 'released', reply: request.reply };
    return { status: 'pending' };
  }

  /** Resolves with the reply of request `seq` once released, or undefined after `timeoutMs`. */
  wait(seq: number, timeoutMs: number): Promise<RequestReply | undefined> {
    const request = this.#requests.get(seq);
    if (request === undefined) return Promise.resolve(undefined);
    if (request.released && request.reply !== undefined) return Promise.resolve(request.reply);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(seq) ?? [];
      this.#waiters.set(seq, waiters);
      const timer = setTimeout(() => {
        const index = waiters.indexOf(done);
        if (index >= 0) waiters.splice(index, 1);
        if (waiters.length === 0) this.#waiters.delete(seq);
        resolve(undefined);
      }, timeoutMs);
      const done = (reply: RequestReply | undefined): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      waiters.push(done);
    });
  }

  /** Ends every wait now, without a reply (the ingress stops: its clients get their 202 at once). */
  endWaits(): void {
    const waiters = [...this.#waiters.values()].flat();
    this.#waiters.clear();
    for (const waiter of waiters) waiter(undefined);
  }

  /** The checkpoint's operations (synchronous, at its instant): changed requests, and deletes of expired ones. */
  capture(now: number): BackendOp[] {
    this.#capturedCount = this.#unsaved.length;
    this.#captured = [...new Set(this.#unsaved)].map((seq) => ({ seq, reply: this.#requests.get(seq)?.reply }));
    const ops: BackendOp[] = [];
    for (const { seq } of this.#captured) {
      const request = this.#requests.get(seq);
      if (request !== undefined) ops.push({ type: 'put', key: storeKey(seq), value: encodeRequest(request) });
    }
    // Accepted in sequence order, so the oldest come first.
    const oldest = now - this.retention.retentionMs;
    let beyondCount = this.#requests.size - this.retention.maxKept;
    for (const [seq, request] of this.#requests) {
      const expired = request.acceptedAt < oldest;
      if (!expired && beyondCount <= 0) break;
      if (!expired) this.#droppedEarly++;
      beyondCount--;
      this.#requests.delete(seq);
      ops.push({ type: 'del', key: storeKey(seq) });
    }
    return ops;
  }

  /** The checkpoint is durable: its replies are released to clients. */
  committed(): void {
    const captured = this.#captured;
    this.#captured = [];
    this.#unsaved.splice(0, this.#capturedCount);
    this.#capturedCount = 0;
    for (const { seq, reply } of captured) {
      if (reply === undefined) continue;
      const request = this.#requests.get(seq);
      if (request === undefined || request.released) continue;
      request.released = true;
      const waiters = this.#waiters.get(seq);
      this.#waiters.delete(seq);
      for (const waiter of waiters ?? []) waiter(reply);
    }
  }
}

/** The reply a function sent, as the ingress keeps it. */
export function requestReply(value: PbTypedValue): RequestReply {
  return { typename: value.typename, value: value.hasValue ? value.value : new Uint8Array() };
}

/** Sequence numbers zero-padded, so that keys sort as numbers do. */
function storeKey(seq: number): string {
  return `${REQUEST_KEY_PREFIX}${seq.toString().padStart(16, '0')}`;
}

function encodeRequest(request: WaitingRequest): Buffer {
  const writer = new ByteWriter(64);
  writer.string(request.id).double(request.acceptedAt);
  if (request.reply === undefined) return writer.varint(0).finish();
  return writer.varint(1).string(request.reply.typename).bytes(request.reply.value).finish();
}

function decodeRequest(data: Uint8Array): WaitingRequest {
  const reader = new ByteReader(data);
  const id = reader.string();
  const acceptedAt = reader.double();
  const hasReply = reader.varint() === 1;
  const reply = hasReply ? { typename: reader.string(), value: reader.bytes() } : undefined;
  return { id, acceptedAt, reply, released: hasReply };
}
