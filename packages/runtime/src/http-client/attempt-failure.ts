// Why one HTTP attempt of a function call failed, and whether trying again may help.
// Connection failures, timeouts, 408, 429 and 5xx are transient (StateFun retries them too);
// TLS verification errors and oversized bodies are not: they will fail the same way again.

/** The kinds of attempt failures. */
export type AttemptFailureKind =
  | 'connect-timeout'
  | 'write-timeout'
  | 'read-timeout'
  | 'call-timeout'
  | 'network'
  | 'tls'
  | 'too-large'
  | 'bad-response'
  | 'status';

/** One failed attempt. `transient` failures are retried within the call timeout. */
export class AttemptFailure extends Error {
  override readonly name = 'AttemptFailure';

  constructor(
    readonly kind: AttemptFailureKind,
    message: string,
    readonly transient: boolean,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** HTTP statuses worth retrying: the server is overloaded, restarting or timed out. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** An attempt failure for an error raised by Node's http/https/net/tls modules. */
export function failureOfNetworkError(error: unknown): AttemptFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const described = typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  if (typeof code === 'string' && isTlsFailure(code)) {
    return new AttemptFailure('tls', `TLS failed (${described})`, false, error);
  }
  return new AttemptFailure('network', described, true, error);
}

// OpenSSL verification codes without CERT in their name; the others all have it
// (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`, …).
const VERIFY_FAILURES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'CRL_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
]);

// Certificate and handshake errors, and Node's `ERR_TLS_*` / `ERR_SSL_*` codes.
function isTlsFailure(code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT') || VERIFY_FAILURES.has(code);
}
