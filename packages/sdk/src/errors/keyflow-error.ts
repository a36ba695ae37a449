import { isRetryableCode } from './define-error-codes';
import type { ErrorCode } from './error-codes';

/** Options for {@link KeyflowError}. */
export interface KeyflowErrorOptions {
  /**
   * True when trying the same operation again may succeed (a timeout, an unreachable endpoint).
   * Default: what the code's table says (see `defineErrorCodes`).
   */
  readonly retryable?: boolean;
  /** The error that caused this one. */
  readonly cause?: unknown;
}

/**
 * The one error type of Keyflow. `code` is stable and meant for programs and tests;
 * `message` is for people and says what was wrong, where, and what to do.
 *
 * @example
 * try { createRequestHandler([NotAFunction]); }
 * catch (e) { if (e instanceof KeyflowError && e.code === 'KF_FUNCTION_INVALID') … }
 */
export class KeyflowError extends Error {
  override readonly name = 'KeyflowError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: KeyflowErrorOptions = {}) {
    super(`[${code}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? isRetryableCode(code);
  }
}

/** True when `error` is a {@link KeyflowError}, optionally with the given code. */
export function isKeyflowError(error: unknown, code?: ErrorCode): error is KeyflowError {
  return error instanceof KeyflowError && (code === undefined || error.code === code);
}

/** The message of any thrown value, for logs and error bodies. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
