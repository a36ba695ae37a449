import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

/** A complete HTTP reply with its body parsed as JSON when it is JSON. */
export interface TestHttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly json: Record<string, unknown>;
}

/** Sends one request on a fresh connection (no agent) and resolves with the whole reply. */
export function httpSend(
  url: string,
  options: { method?: string; body?: string | Uint8Array; headers?: OutgoingHttpHeaders } = {},
): Promise<TestHttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', agent: false, headers: options.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        let json: Record<string, unknown> = {};
        if (String(res.headers['content-type']).startsWith('application/json')) {
          json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
