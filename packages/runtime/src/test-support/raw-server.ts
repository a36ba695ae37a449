// Plain node:http(s) servers that misbehave on purpose: they count requests and connections,
// and answer whatever the test says.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** What a raw server answers: the request (body already read) and the response to write. */
export type RawHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** A running raw server. */
export interface RawServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>` with TLS), no trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: IncomingMessage[];
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Options of {@link startRawServer} and {@link startListenerServer}. */
export interface RawServerOptions {
  /** Serve TLS with these options. */
  readonly tls?: TlsServerOptions;
  /** Listen on this port instead of any free one. */
  readonly port?: number;
}

/** Starts a server on 127.0.0.1 that reads each body, then calls `handler`. */
export function startRawServer(handler: RawHandler, options: RawServerOptions = {}): Promise<RawServer> {
  return startListenerServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  }, options);
}

/** Starts a server on 127.0.0.1 that records each request and passes it to `listener` untouched. */
export async function startListenerServer(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
  options: RawServerOptions = {},
): Promise<RawServer> {
  const recording = (request: IncomingMessage, response: ServerResponse): void => {
    raw.requests.push(request);
    listener(request, response);
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, recording) : createHttpServer(recording);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const raw: RawServer = {
    server,
    origin: options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    close: () => closeServer(server),
  };
  server.on('connection', () => raw.connections++);
  return raw;
}

/** Closes a server and every connection it still holds. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Answers `status` with a body and a content type. */
export function answer(response: ServerResponse, status: number, body: string | Uint8Array, contentType: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}
