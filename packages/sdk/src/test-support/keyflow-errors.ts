// Assertions on KeyflowErrors by code (never by message text).

import { KeyflowError } from '../errors/keyflow-error';
import type { ErrorCode } from '../errors/error-codes';

/** The error `fn` throws; fails the test when it returns normally. */
export function errorThrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** The reason `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Asserts `error` is a KeyflowError with `code`, and returns it typed. */
export function expectKeyflowError(error: unknown, code: ErrorCode): KeyflowError {
  expect(error).toBeInstanceOf(KeyflowError);
  expect((error as KeyflowError).code).toBe(code);
  return error as KeyflowError;
}

/** Asserts `fn` throws a KeyflowError with `code`, and returns it. */
export function expectThrowsCode(fn: () => unknown, code: ErrorCode): KeyflowError {
  return expectKeyflowError(errorThrownBy(fn), code);
}

/** Asserts `promise` rejects with a KeyflowError with `code`, and returns it. */
export async function expectRejectsCode(promise: Promise<unknown>, code: ErrorCode): Promise<KeyflowError> {
  return expectKeyflowError(await rejectionOf(promise), code);
}
