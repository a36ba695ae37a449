import { KeyflowError, SdkErrorCodes, describeError, isKeyflowError } from '@keyflow/sdk';

describe('KeyflowError', () => {
  it('carries a stable code, is not retryable by default, and keeps its cause', () => {
    const cause = new Error('low level');
    const error = new KeyflowError(SdkErrorCodes.BAD_REQUEST, 'what went wrong', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeyflowError');
    expect(error.code).toBe('KF_BAD_REQUEST');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.message.startsWith('[KF_BAD_REQUEST]')).toBe(true);
  });

  it('takes only the codes of the error code tables', () => {
    // @ts-expect-error: a code that is in no table does not compile.
    const stray = new KeyflowError('KF_NOT_IN_ANY_TABLE', 'x');
    expect(stray.code).toBe('KF_NOT_IN_ANY_TABLE');
  });

  it('can be marked retryable', () => {
    expect(new KeyflowError(SdkErrorCodes.FUNCTION_FAILED, 'x', { retryable: true }).retryable).toBe(true);
  });

  it('is recognized by isKeyflowError, optionally by code', () => {
    const error = new KeyflowError(SdkErrorCodes.UNKNOWN_FUNCTION, 'x');
    expect(isKeyflowError(error)).toBe(true);
    expect(isKeyflowError(error, SdkErrorCodes.UNKNOWN_FUNCTION)).toBe(true);
    expect(isKeyflowError(error, SdkErrorCodes.BAD_REQUEST)).toBe(false);
    expect(isKeyflowError(new Error('x'))).toBe(false);
    expect(isKeyflowError({ code: 'KF_BAD_REQUEST' })).toBe(false);
  });

  it('has every sdk code prefixed KF_ and unique', () => {
    const codes = Object.values(SdkErrorCodes);
    expect(codes.every((code) => /^KF_[A-Z_]+$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('describeError', () => {
  it('gives the message of an Error and the string of anything else', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
  });
});
