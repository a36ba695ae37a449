// A small promise wrapper over Node's http.request, so tests control headers, chunking,
// agents and Unix sockets exactly.

import { request, type IncomingHttpHeaders, type RequestOptions } from 'node:http';

/** A complete HTTP reply. */
export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** True when the request went over a socket that an earlier request had used. */
  readonly reusedSocket: boolean;
}

/** What to send: one body (sent with Content-Length) or chunks (sent chunked, no length). */
export interface HttpSend extends RequestOptions {
  readonly body?: Uint8Array;
  readonly chunks?: readonly Uint8Array[];
}

/** Sends one request and resolves with the whole reply. */
export function httpRequest(options: HttpSend): Promise<HttpReply> {
  const { body, chunks, ...requestOptions } = options;
  return new Promise((resolve, reject) => {
    const req = request({ method: 'POST', ...requestOptions }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts),
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('Content-Length', body.byteLength);
      req.end(body);
    } else if (chunks !== undefined) {
      for (const chunk of chunks) req.write(chunk);
      req.end();
    } else {
      req.end();
    }
  });
}

/** The `{code, message}` JSON body of an error reply. */
export function errorBody(reply: HttpReply): { code: string; message: string } {
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const parsed = JSON.parse(reply.body.toString('utf8')) as { code: string; message: string };
  expect(typeof parsed.code).toBe('string');
  expect(typeof parsed.message).toBe('string');
  expect(parsed.message.length).toBeGreaterThan(0);
  return parsed;
}
