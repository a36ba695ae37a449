import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The shortest token accepted: long enough that guessing it over the network is hopeless. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * A set of accepted bearer tokens (several, so that one can be replaced while clients move to the
 * next). A request is accepted when its `Authorization: Bearer <token>` is one of them; the
 * comparison takes the same time whichever token matched, or how much of one (both sides are
 * hashed to one length, and every token is compared).
 */
export class BearerTokens {
  readonly #digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = tokens.map(digest);
  }

  get size(): number {
    return this.#digests.length;
  }

  accepts(request: IncomingMessage): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let accepted = false;
    for (const expected of this.#digests) accepted = timingSafeEqual(presented, expected) || accepted;
    return accepted && match !== null;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
