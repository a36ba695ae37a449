import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing between a Keyflow runtime and a function service: the runtime signs each
 * request body with a shared secret, the function service accepts only bodies signed with one of
 * its keys. Several keys are accepted at once, so a key rotates without downtime (add the new key
 * to the services, switch the runtime to it, remove the old one). Flink StateFun does not sign.
 *
 * The header: `Keyflow-Signature: t=<unix ms>,k=<key id>,s=<base64url HMAC-SHA256(secret, "<t>." + body)>`.
 */
export const REQUEST_SIGNATURE_HEADER = 'keyflow-signature';

/** A signing key: its id (sent with each request) and its secret (never sent). */
export interface SigningKey {
  readonly id: string;
  readonly secret: string;
}

/** The shortest secret accepted: at least 128 bits' worth of characters. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

/** How old a signature may be (or how far in the future, for clocks apart) by default: 5 minutes. */
export const DEFAULT_MAX_SIGNATURE_AGE_MS = 5 * 60_000;

/** The `Keyflow-Signature` header value for `body`, signed at `now` (ms since the epoch). */
export function signRequestBody(body: Uint8Array, key: SigningKey, now: number): string {
  return `t=${now},k=${key.id},s=${mac(key.secret, now, body)}`;
}

/** Why a request's signature was refused, or undefined when it is good. */
export function signatureProblem(
  header: string | undefined,
  body: Uint8Array,
  keys: Readonly<Record<string, string>>,
  now: number,
  maxAgeMs: number = DEFAULT_MAX_SIGNATURE_AGE_MS,
): string | undefined {
  if (header === undefined || header === '') return 'the request has no Keyflow-Signature header';
  const fields = new Map(header.split(',').map((part) => [part.slice(0, part.indexOf('=')).trim(), part.slice(part.indexOf('=') + 1).trim()]));
  const time = Number(fields.get('t'));
  const keyId = fields.get('k') ?? '';
  const signature = fields.get('s') ?? '';
  if (!Number.isSafeInteger(time) || signature === '') return 'the Keyflow-Signature header is malformed';
  const secret = Object.prototype.hasOwnProperty.call(keys, keyId) ? keys[keyId] : undefined;
  if (secret === undefined) return `the request is signed with key '${keyId}', which this service does not have`;
  if (Math.abs(now - time) > maxAgeMs) return `the signature is ${Math.round(Math.abs(now - time) / 1000)} s from this service's clock (at most ${maxAgeMs / 1000} s)`;
  const expected = Buffer.from(mac(secret, time, body));
  const presented = Buffer.from(signature);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return `the signature does not match the body for key '${keyId}'`;
  return undefined;
}

function mac(secret: string, time: number, body: Uint8Array): string {
  return createHmac('sha256', secret).update(`${time}.`).update(body).digest('base64url');
}
