import { Types } from '@keyflow/sdk';
import type { RequestReply } from './request-replies';

/** A reply as an HTTP body. */
export interface ReplyBody {
  readonly contentType: string;
  readonly body: Uint8Array;
}

const BUILTIN_TYPES = [Types.string, Types.bool, Types.int, Types.long, Types.float, Types.double] as const;

/**
 * How an HTTP ingress answers with a function's reply: a built-in type as text (`hello`, `42`,
 * `true`), as a request body of that type is given; bytes that are JSON (a JSON type's value)
 * as `application/json`; anything else as `application/octet-stream`, bytes as they are.
 */
export function replyBody(reply: RequestReply): ReplyBody {
  const builtin = BUILTIN_TYPES.find((type) => type.typename === reply.typename);
  if (builtin !== undefined) {
    return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(String(builtin.deserialize(reply.value))) };
  }
  return { contentType: isJson(reply.value) ? 'application/json' : 'application/octet-stream', body: reply.value };
}

function isJson(bytes: Uint8Array): boolean {
  const first = bytes.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
  // Only a text that starts as a JSON value can be one; most binary values end here.
  if (first === undefined || !'{["-0123456789tfn'.includes(String.fromCharCode(first))) return false;
  try {
    JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
