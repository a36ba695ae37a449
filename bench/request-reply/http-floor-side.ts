import { createServer } from 'node:http';

// The second anchor of the request/reply benchmark, in its own process: a bare Node HTTP server
// that answers every POST at once with a one-byte body — what any answer over HTTP from Node
// costs on this machine, with no runtime, state or durable write behind it.
// Usage: http-floor-side.ts <port>. Prints `ready` once it listens.

const port = Number(process.argv[2]);
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 1 });
    response.end('1');
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
// Stopped by SIGTERM: with the server and its connections closed, nothing keeps the process alive.
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
