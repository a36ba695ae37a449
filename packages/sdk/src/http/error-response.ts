import { SdkErrorCodes } from '../errors/error-codes';
import { KeyflowError } from '../errors/keyflow-error';

/** The HTTP status and JSON body for an error raised while handling a request. */
export interface ErrorResponse {
  readonly status: number;
  readonly body: { readonly code: string; readonly message: string };
}

const CLIENT_ERRORS: ReadonlySet<string> = new Set([
  SdkErrorCodes.PROTOCOL_MALFORMED,
  SdkErrorCodes.BAD_REQUEST,
  SdkErrorCodes.UNKNOWN_FUNCTION,
]);

/** Maps an error to a status: the caller's mistakes are 400, everything else 500. */
export function errorResponseOf(error: unknown): ErrorResponse {
  if (error instanceof KeyflowError) {
    const status = CLIENT_ERRORS.has(error.code) ? 400 : 500;
    return { status, body: { code: error.code, message: error.message } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { code: SdkErrorCodes.INTERNAL, message: `Unexpected error: ${message}` } };
}
