import { KeyflowError, SdkErrorCodes, defineErrorCodes, describeError, isKeyflowError, isRetryableCode } from '@keyflow/sdk';

const ShopErrorCodes = defineErrorCodes(
  { OUT_OF_STOCK: 'KF_TEST_SHOP_OUT_OF_STOCK', WAREHOUSE_DOWN: 'KF_TEST_SHOP_WAREHOUSE_DOWN' } as const,
  { retryable: ['WAREHOUSE_DOWN'] },
);

declare module '@keyflow/sdk' {
  interface ErrorCodeTables {
    specShop: typeof ShopErrorCodes;
  }
}

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

  it('is retryable by default when its table says so for its code, and the throw site can say otherwise', () => {
    expect(new KeyflowError(ShopErrorCodes.WAREHOUSE_DOWN, 'x').retryable).toBe(true);
    expect(new KeyflowError(ShopErrorCodes.OUT_OF_STOCK, 'x').retryable).toBe(false);
    expect(new KeyflowError(ShopErrorCodes.WAREHOUSE_DOWN, 'x', { retryable: false }).retryable).toBe(false);
    expect(isRetryableCode('KF_TEST_SHOP_WAREHOUSE_DOWN')).toBe(true);
    expect(isRetryableCode('KF_TEST_SHOP_OUT_OF_STOCK')).toBe(false);
    // @ts-expect-error: a table's retryable codes are names of its own codes.
    defineErrorCodes({ A: 'KF_TEST_A' } as const, { retryable: ['B'] });
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
