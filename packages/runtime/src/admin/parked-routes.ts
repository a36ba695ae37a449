import type { ServerResponse } from 'node:http';
import { describeAddress } from '../message/address-key';
import type { ParkedMessage } from '../dispatcher/parked-messages';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { replyJson } from '../http-server/json-reply';
import type { KeyflowRuntime } from '../runtime/keyflow-runtime';

const PARKED = '/messages/parked';

/**
 * The parked messages (`keyflow messages`):
 * - `GET /messages/parked`: every parked message with its address, argument and last failure;
 * - `POST /messages/parked/<id>/retry`: delivers it again, after its address's queued messages;
 * - `DELETE /messages/parked/<id>`: deletes it for good.
 * True when `route` was one of them.
 */
export function serveParkedMessages(runtime: KeyflowRuntime, route: string, response: ServerResponse): boolean {
  const [method, path = ''] = route.split(' ');
  if (path !== PARKED && !path.startsWith(`${PARKED}/`)) return false;
  if (method === 'GET' && path === PARKED) {
    replyJson(response, 200, { messages: runtime.parkedMessages().map((message) => describeParked(runtime, message)) });
    return true;
  }
  const retry = /^\/messages\/parked\/(\d+)\/retry$/.exec(path);
  const one = /^\/messages\/parked\/(\d+)$/.exec(path);
  const id = Number(retry?.[1] ?? one?.[1]);
  if (method === 'POST' && retry) {
    const message = runtime.retryParkedMessage(id);
    if (message) replyJson(response, 200, { retried: describeParked(runtime, message) });
    else notFound(response, id);
  } else if (method === 'DELETE' && one) {
    const message = runtime.dropParkedMessage(id);
    if (message) replyJson(response, 200, { dropped: describeParked(runtime, message) });
    else notFound(response, id);
  } else {
    replyJson(response, 404, {
      code: RuntimeErrorCodes.ADMIN_NOT_FOUND,
      message: `No admin route ${route}; parked messages take GET ${PARKED}, POST ${PARKED}/<id>/retry and DELETE ${PARKED}/<id>.`,
    });
  }
  return true;
}

function describeParked(runtime: KeyflowRuntime, message: ParkedMessage) {
  const { target, argument, caller } = message.envelope;
  return {
    id: message.id,
    address: describeAddress(target),
    functionType: `${target.namespace}/${target.type}`,
    ...(caller ? { caller: describeAddress(caller) } : {}),
    argument: runtime.inspector.viewValue(argument.typename, argument.value),
    errorCode: message.errorCode,
    error: message.error,
    attempts: message.attempts,
    parkedAt: new Date(message.parkedAt).toISOString(),
  };
}

function notFound(response: ServerResponse, id: number): void {
  replyJson(response, 404, { code: RuntimeErrorCodes.ADMIN_NOT_FOUND, message: `No parked message ${id}: list them with GET ${PARKED} (keyflow messages list).` });
}
