import type { IncomingMessage, ServerResponse } from 'node:http';
import { SdkErrorCodes } from '../errors/error-codes';
import { KeyflowError } from '../errors/keyflow-error';
import type { RequestHandler } from '../handler/request-handler';
import { silentLogger, type Logger } from '../logging/logger';
import { decodeToFunction } from '../protocol/to-function-codec';
import { errorResponseOf } from './error-response';
import { readRequestBody } from './read-request-body';
import { MIN_SIGNING_SECRET_LENGTH, REQUEST_SIGNATURE_HEADER, signatureProblem } from './request-signature';

/** Options of {@link createHttpRequestListener}. */
export interface HttpListenerOptions {
  /** The largest request body accepted, in bytes. Default 32 MiB. */
  readonly maxBodyBytes?: number;
  /** Where failures are logged. Default: nothing is logged. */
  readonly logger?: Logger;
  /**
   * Accept only requests signed by the runtime with one of these keys (key id → secret; see
   * `signing` of the runtime's HTTP endpoint). Several at once while a key rotates. Default: no check.
   */
  readonly signatureKeys?: Readonly<Record<string, string>>;
  /** How far a signature's time may be from this service's clock. Default 5 minutes. */
  readonly maxSignatureAgeMs?: number;
}

/** The default request body limit: 32 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * A Node `http` request listener that serves a {@link RequestHandler}: POST the `ToFunction`
 * bytes, get the `FromFunction` bytes. Errors are answered with a JSON `{code, message}` body
 * (400 for a bad request, 405 for another method, 413 for a body over the limit, 500 when the
 * function fails); a failing function is logged with its address. Mount it in any Node server.
 *
 * @example
 * http.createServer(createHttpRequestListener(createRequestHandler([Greeter]))).listen(8000);
 */
export function createHttpRequestListener(
  handler: RequestHandler,
  options: HttpListenerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger ?? silentLogger;
  const signatures = signatureCheckOf(options);
  return (request, response) => {
    serve(request, response, handler, maxBodyBytes, logger, signatures).catch((error: unknown) => {
      // A client that goes away mid-request is routine (a timeout, a retry elsewhere): not an error.
      if (response.destroyed || request.socket.destroyed || (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') {
        logger.debug('client disconnected before the answer', { reason: error instanceof Error ? error.message : String(error) });
        response.destroy();
        return;
      }
      logger.error('unexpected failure while answering a request', { error });
      if (!response.headersSent) sendError(response, error);
      else response.destroy();
    });
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  handler: RequestHandler,
  maxBodyBytes: number,
  logger: Logger,
  signatures: SignatureCheck | undefined,
): Promise<void> {
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    sendError(
      response,
      new KeyflowError(
        SdkErrorCodes.METHOD_NOT_ALLOWED,
        `${request.method ?? 'This method'} is not supported: POST the ToFunction protobuf bytes.`,
      ),
      405,
    );
    request.resume();
    return;
  }
  const body = await readRequestBody(request, maxBodyBytes);
  if (body === undefined) {
    response.setHeader('Connection', 'close');
    sendError(
      response,
      new KeyflowError(SdkErrorCodes.BODY_TOO_LARGE, `The request body exceeds the limit of ${maxBodyBytes} bytes.`),
      413,
    );
    return;
  }
  const refused = signatures?.(request, body);
  if (refused !== undefined) {
    logger.warn('refused a request with a bad signature', { reason: refused });
    sendError(response, new KeyflowError(SdkErrorCodes.REQUEST_SIGNATURE_INVALID, `Refused: ${refused}.`), 401);
    return;
  }
  try {
    const reply = await handler(body);
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': reply.byteLength });
    response.end(reply);
  } catch (error) {
    const { status } = errorResponseOf(error);
    if (status >= 500) logger.error('function invocation failed', { address: targetOf(body), error });
    else logger.warn('bad request', { error });
    sendError(response, error);
  }
}


/** Why a request's signature is refused, or undefined when it is good. */
type SignatureCheck = (request: IncomingMessage, body: Uint8Array) => string | undefined;

function signatureCheckOf(options: HttpListenerOptions): SignatureCheck | undefined {
  const keys = options.signatureKeys;
  if (keys === undefined) return undefined;
  const ids = Object.keys(keys);
  if (ids.length === 0) throw new KeyflowError(SdkErrorCodes.SIGNING_KEY_INVALID, 'signatureKeys is empty: give at least one key, or leave it out to accept unsigned requests.');
  for (const id of ids) {
    if (id === '' || /[,=\s]/.test(id)) throw new KeyflowError(SdkErrorCodes.SIGNING_KEY_INVALID, `The signing key id '${id}' is empty or has a comma, '=' or space.`);
    if ((keys[id] ?? '').length < MIN_SIGNING_SECRET_LENGTH) {
      throw new KeyflowError(SdkErrorCodes.SIGNING_KEY_INVALID, `The secret of signing key '${id}' is shorter than ${MIN_SIGNING_SECRET_LENGTH} characters.`);
    }
  }
  return (request, body) => {
    const header = request.headers[REQUEST_SIGNATURE_HEADER];
    return signatureProblem(Array.isArray(header) ? header[0] : header, body, keys, Date.now(), options.maxSignatureAgeMs);
  };
}

/** `namespace/type/id` of a request, for logs; undefined when it cannot be read. */
function targetOf(body: Uint8Array): string | undefined {
  try {
    const target = decodeToFunction(body)?.target;
    return target ? `${target.namespace}/${target.type}/${target.id}` : undefined;
  } catch {
    return undefined;
  }
}

function sendError(response: ServerResponse, error: unknown, status?: number): void {
  const payload = errorResponseOf(error);
  const json = JSON.stringify(payload.body);
  response.writeHead(status ?? payload.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  });
  response.end(json);
}
