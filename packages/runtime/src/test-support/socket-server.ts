// A TCP server that speaks no HTTP of its own: each test writes the exact response bytes, to
// exercise what Node's http server never sends (bodies framed by the end of the connection,
// HTTP/1.0, interim responses, garbage).

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A running socket server. */
export interface SocketServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  /** Connections accepted so far. */
  readonly connections: Socket[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that calls `onRequest` with the socket and the connection's
 * request number (0, 1, …) each time a complete request (head and Content-Length body) arrives.
 */
export async function startSocketServer(onRequest: (socket: Socket, index: number) => void): Promise<SocketServer> {
  const connections: Socket[] = [];
  const server: Server = createServer((socket) => {
    connections.push(socket);
    let buffered = Buffer.alloc(0);
    let index = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.toString('latin1', 0, headEnd))?.[1] ?? 0);
        if (buffered.length < headEnd + 4 + length) return;
        buffered = buffered.subarray(headEnd + 4 + length);
        onRequest(socket, index++);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
