import type { IncomingMessage } from 'node:http';

/**
 * Reads a whole request body, or returns undefined as soon as it exceeds `limit` bytes (by its
 * declared Content-Length or while streaming); the rest of an oversized body is discarded.
 */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const data of request) {
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(String(data));
    size += chunk.length;
    if (size > limit) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
