import { KeyflowError, SdkErrorCodes, type ErrorCode } from '@keyflow/sdk';
import { errorResponseOf } from './error-response';

describe('errorResponseOf', () => {
  it.each([
    [SdkErrorCodes.PROTOCOL_MALFORMED, 400],
    [SdkErrorCodes.BAD_REQUEST, 400],
    [SdkErrorCodes.UNKNOWN_FUNCTION, 400],
    [SdkErrorCodes.FUNCTION_FAILED, 500],
    [SdkErrorCodes.TYPE_MISMATCH, 500],
    // A code of another package's table (the runtime's, say), which the sdk's own build does not see.
    ['KF_FROM_ANOTHER_PACKAGE' as ErrorCode, 500],
  ])('maps %s to %d with the code in the body', (code, status) => {
    const response = errorResponseOf(new KeyflowError(code, 'x'));
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
  });

  it('maps anything that is not a KeyflowError to 500 KF_INTERNAL', () => {
    expect(errorResponseOf(new RangeError('x'))).toMatchObject({ status: 500, body: { code: 'KF_INTERNAL' } });
    expect(errorResponseOf('a string')).toMatchObject({ status: 500, body: { code: 'KF_INTERNAL' } });
  });
});
