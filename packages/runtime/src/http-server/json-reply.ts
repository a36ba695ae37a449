import type { ServerResponse } from 'node:http';

/** Answers with `status` and `body` as JSON (the HTTP ingress, the admin API). */
export function replyJson(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) });
  response.end(json);
}
