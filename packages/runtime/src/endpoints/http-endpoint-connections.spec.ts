import type { Socket } from 'node:net';
import { KeyflowError, silentLogger } from '@keyflow/sdk';
import { decodeToFunction, encodeFromFunction, type PbFromFunction } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { TransportConfig } from '../config/module-config';
import { HttpFunctionEndpoint, type HttpFunctionEndpointOptions } from './http-endpoint';
import { capturedLogs } from '../test-support/captured-logs';
import { httpEndpointConfig } from '../test-support/endpoint-configs';
import { answer, startRawServer, type RawHandler, type RawServer } from '../test-support/raw-server';
import { startSocketServer, type SocketServer } from '../test-support/socket-server';
import { testBatch } from '../test-support/test-functions';

// How the endpoint's HTTP client frames, reuses and closes connections, against servers that
// answer in every way HTTP/1.1 allows.

const RESULT: PbFromFunction = {
  kind: 'invocationResult',
  result: {
    stateMutations: [],
    outgoingMessages: [],
    delayedInvocations: [],
    outgoingEgresses: [{ egressNamespace: 'test', egressType: 'out', argument: { typename: 't/x', hasValue: true, value: Uint8Array.of(7) } }],
  },
};
const RESULT_BYTES = Buffer.from(encodeFromFunction(RESULT));

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HttpFunctionEndpoint connections', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  const endpointFor = (
    origin: string,
    transport: Partial<TransportConfig> = {},
    options: HttpFunctionEndpointOptions = { logger: silentLogger },
  ): HttpFunctionEndpoint => {
    const endpoint = new HttpFunctionEndpoint(httpEndpointConfig(`${origin}/statefun`, transport), options);
    closers.push(() => endpoint.close());
    return endpoint;
  };
  const socketServer = async (onRequest: (socket: Socket, index: number) => void): Promise<SocketServer> => {
    const server = await startSocketServer(onRequest);
    closers.push(() => server.close());
    return server;
  };
  const rawServer = async (handler: RawHandler): Promise<RawServer> => {
    const server = await startRawServer(handler);
    closers.push(() => server.close());
    return server;
  };
  const call = (endpoint: HttpFunctionEndpoint, id = 'a') => endpoint.invoke(testBatch('echo', id, ['hi']));

  test('reads a chunked reply', async () => {
    const server = await rawServer((_request, _body, response) => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      response.write(RESULT_BYTES.subarray(0, 5));
      setTimeout(() => response.end(RESULT_BYTES.subarray(5)), 5);
    });
    const endpoint = endpointFor(server.origin);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toBe(1);
  });

  test('reads a reply framed by the end of the connection, and connects again for the next call', async () => {
    const server = await socketServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
      socket.end(RESULT_BYTES);
    });
    const endpoint = endpointFor(server.origin);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toHaveLength(2);
  });

  test('reads the reply after interim 1xx responses', async () => {
    const server = await socketServer((socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\n`);
      socket.write(RESULT_BYTES);
    });
    expect(await call(endpointFor(server.origin))).toEqual(RESULT);
  });

  test.each([
    ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close'],
    ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK'],
  ])('does not reuse a connection after %s', async (_name, head) => {
    const server = await socketServer((socket) => socket.write(`${head}\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\n${RESULT_BYTES.toString('latin1')}`, 'latin1'));
    const endpoint = endpointFor(server.origin);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0]?.destroyed || (await closedSoon(server.connections[0]))).toBe(true);
  });

  test('drops a pooled connection that the server closes, without a failed attempt', async () => {
    const { logger, lines } = capturedLogs();
    const server = await socketServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\n`);
      socket.write(RESULT_BYTES);
      setTimeout(() => socket.end(), 20);
    });
    const endpoint = endpointFor(server.origin, {}, { logger });
    expect(await call(endpoint)).toEqual(RESULT);
    await wait(100);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toHaveLength(2);
    expect(lines.filter((line) => line.msg === 'retrying a function call')).toEqual([]);
  });

  test('closes a connection idle longer than pool_ttl', async () => {
    const server = await rawServer((_request, _body, response) => answer(response, 200, RESULT_BYTES, 'application/octet-stream'));
    const endpoint = endpointFor(server.origin, { poolTtlMs: 100 });
    expect(await call(endpoint)).toEqual(RESULT);
    await wait(50);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toBe(1);
    await wait(300);
    expect(await call(endpoint)).toEqual(RESULT);
    expect(server.connections).toBe(2);
  });

  test('sends calls beyond pool_size one after another, in the order they were made', async () => {
    const ids: string[] = [];
    const server = await rawServer((_request, body, response) => {
      ids.push(decodeToFunction(body)?.target?.id ?? '?');
      setTimeout(() => answer(response, 200, RESULT_BYTES, 'application/octet-stream'), 5);
    });
    const endpoint = endpointFor(server.origin, { poolSize: 1 });
    const order = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
    await Promise.all(order.map((id) => call(endpoint, id)));
    expect(ids).toEqual(order);
    expect(server.connections).toBe(1);
  });

  test('keeps at most pool_size connections open at once', async () => {
    let open = 0;
    let mostOpen = 0;
    const server = await rawServer((_request, _body, response) => {
      mostOpen = Math.max(mostOpen, ++open);
      setTimeout(() => {
        open--;
        answer(response, 200, RESULT_BYTES, 'application/octet-stream');
      }, 10);
    });
    const endpoint = endpointFor(server.origin, { poolSize: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, index) => call(endpoint, `u${index}`)));
    expect(mostOpen).toBe(3);
    expect(server.connections).toBe(3);
  });

  test('retries a reply that is not HTTP, and succeeds on a new connection', async () => {
    const { logger, lines } = capturedLogs();
    const server = await socketServer((socket) => {
      if (server.connections.length === 1) socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n');
      else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\n${RESULT_BYTES.toString('latin1')}`, 'latin1');
    });
    expect(await call(endpointFor(server.origin, {}, { logger }))).toEqual(RESULT);
    expect(lines.filter((line) => line.msg === 'retrying a function call')).toHaveLength(1);
    expect(server.connections).toHaveLength(2);
  });

  test('a connection that closes before the reply is complete fails the attempt, and the retry succeeds', async () => {
    const server = await socketServer((socket, index) => {
      if (server.connections.length === 1 && index === 0) {
        socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\nabc`);
      } else {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT_BYTES.length}\r\n\r\n${RESULT_BYTES.toString('latin1')}`, 'latin1');
      }
    });
    expect(await call(endpointFor(server.origin))).toEqual(RESULT);
    expect(server.connections).toHaveLength(2);
  });

  test('closing the endpoint fails a call in flight at once with KF_ENDPOINT_UNREACHABLE', async () => {
    const server = await socketServer(() => undefined);
    const endpoint = endpointFor(server.origin, { callMs: 10_000 });
    const started = performance.now();
    const pending = call(endpoint).catch((error: unknown) => error);
    await wait(50);
    await endpoint.close();
    const error = await pending;
    expect(error).toBeInstanceOf(KeyflowError);
    expect((error as KeyflowError).code).toBe(RuntimeErrorCodes.ENDPOINT_UNREACHABLE);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

/** Resolves true once `socket` closes, false if it is still open after a second. */
function closedSoon(socket: Socket | undefined): Promise<boolean> {
  if (socket === undefined) return Promise.resolve(false);
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 1_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
