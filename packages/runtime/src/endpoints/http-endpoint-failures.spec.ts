import { KeyflowError, createHttpRequestListener, createRequestHandler, serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { encodeFromFunction } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { HttpFunctionEndpoint, type HttpFunctionEndpointOptions } from './http-endpoint';
import { capturedLogs } from '../test-support/captured-logs';
import { httpEndpointConfig } from '../test-support/endpoint-configs';
import { answer, freePort, startListenerServer, startRawServer, type RawHandler, type RawServer } from '../test-support/raw-server';
import { TEST_FUNCTIONS, testBatch } from '../test-support/test-functions';
import type { TransportConfig } from '../config/module-config';

const serveFunctions = createHttpRequestListener(createRequestHandler(TEST_FUNCTIONS));
const EMPTY_RESULT = encodeFromFunction({
  kind: 'invocationResult',
  result: { stateMutations: [], outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] },
});

async function rejectionOf(promise: Promise<unknown>): Promise<KeyflowError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KeyflowError);
    return error as KeyflowError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('HttpFunctionEndpoint failures', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  const endpointFor = (
    url: string,
    transport: Partial<TransportConfig> = {},
    options: HttpFunctionEndpointOptions = { logger: silentLogger },
  ): HttpFunctionEndpoint => {
    const endpoint = new HttpFunctionEndpoint(httpEndpointConfig(url, transport), options);
    closers.push(() => endpoint.close());
    return endpoint;
  };
  const rawServer = async (handler: RawHandler): Promise<RawServer> => {
    const server = await startRawServer(handler);
    closers.push(() => server.close());
    return server;
  };

  const listenerServer = async (listener: Parameters<typeof startListenerServer>[0]): Promise<RawServer> => {
    const server = await startListenerServer(listener);
    closers.push(() => server.close());
    return server;
  };

  test('retries while the server is down and succeeds once it comes up', async () => {
    const port = await freePort();
    let server: FunctionHttpServer | undefined;
    const starting = new Promise<void>((resolve) =>
      setTimeout(() => {
        server = serveHttp(TEST_FUNCTIONS, { port, host: '127.0.0.1', logger: silentLogger });
        closers.push(() => server!.close());
        resolve();
      }, 300),
    );
    const { logger, lines } = capturedLogs();
    const started = performance.now();
    const reply = await endpointFor(`http://127.0.0.1:${port}/statefun`, { callMs: 5_000 }, { logger }).invoke(
      testBatch('echo', 'alice', ['hi']),
    );
    await starting;
    expect(reply.kind).toBe('invocationResult');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    const retries = lines.filter((line) => line.msg === 'retrying a function call');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({
      level: 'warn',
      address: 'test.endpoints/echo/alice',
      url: `http://127.0.0.1:${port}/statefun`,
      attempt: 1,
    });
    expect(String(retries[0]?.['error'])).toContain('ECONNREFUSED');
  });

  test('retries 503 answers and succeeds on the third attempt', async () => {
    const server = await listenerServer((request, response) => {
      if (server.requests.length > 2) return serveFunctions(request, response);
      request.resume();
      answer(response, 503, 'busy', 'text/plain');
    });
    const { logger, lines } = capturedLogs();
    const endpoint = endpointFor(`${server.origin}/statefun`, {}, { logger });
    expect(endpoint.stats()).toEqual({ failedAttempts: 0, retries: 0, openConnections: 0 });
    const reply = await endpoint.invoke(testBatch('counter', 'bob', ['hi'], 1));
    expect(reply.kind).toBe('invocationResult');
    expect(server.requests).toHaveLength(3);
    expect(lines.filter((line) => line.msg === 'retrying a function call').map((line) => line['attempt'])).toEqual([1, 2]);
    // What the metrics report: two failed attempts, both retried, one kept-alive connection.
    expect(endpoint.stats()).toEqual({ failedAttempts: 2, retries: 2, openConnections: 1 });
  });

  test('retries 429 and 408 too', async () => {
    const statuses = [429, 408];
    const server = await rawServer((_request, _body, response) => {
      const status = statuses.shift();
      if (status === undefined) answer(response, 200, EMPTY_RESULT, 'application/octet-stream');
      else answer(response, status, '', 'text/plain');
    });
    expect((await endpointFor(`${server.origin}/x`).invoke(testBatch('echo', 'a', ['hi']))).kind).toBe('invocationResult');
    expect(server.requests).toHaveLength(3);
  });

  test('gives up with KF_ENDPOINT_UNREACHABLE when the server never answers within the call timeout', async () => {
    const server = await rawServer(() => undefined);
    const started = performance.now();
    const error = await rejectionOf(endpointFor(`${server.origin}/statefun`, { callMs: 500 }).invoke(testBatch('echo', 'carol', ['hi'])));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_UNREACHABLE);
    expect(error.retryable).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_000);
    expect(error.message).toContain('test.endpoints/echo/carol');
    expect(error.message).toContain(`${server.origin}/statefun`);
    expect(error.message).toMatch(/1 attempt\b/);
  });

  test('retries a refused connection until the call timeout, then names the attempts and the last error', async () => {
    const port = await freePort();
    const error = await rejectionOf(
      endpointFor(`http://127.0.0.1:${port}/statefun`, { callMs: 400 }).invoke(testBatch('echo', 'dan', ['hi'])),
    );
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_UNREACHABLE);
    expect(error.message).toMatch(/after [2-9]\d* attempts/);
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('a read timeout ends one attempt, and the next attempt can succeed', async () => {
    let calls = 0;
    const server = await rawServer((_request, _body, response) => {
      if (++calls > 1) answer(response, 200, EMPTY_RESULT, 'application/octet-stream');
    });
    const reply = await endpointFor(`${server.origin}/x`, { callMs: 2_000, readMs: 150 }).invoke(testBatch('echo', 'a', ['hi']));
    expect(reply.kind).toBe('invocationResult');
    expect(server.requests).toHaveLength(2);
  });

  test('a 400 with a JSON error body fails at once with KF_ENDPOINT_FAILED, quoting the body', async () => {
    const server = await rawServer((_request, _body, response) =>
      answer(response, 400, JSON.stringify({ code: 'KF_BAD_REQUEST', message: '[KF_BAD_REQUEST] no target' }), 'application/json'),
    );
    const error = await rejectionOf(endpointFor(`${server.origin}/statefun`).invoke(testBatch('echo', 'erin', ['hi'])));
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('[KF_BAD_REQUEST] no target');
    expect(server.requests).toHaveLength(1);
  });

  test("the sdk's own 400 for an unknown function is not retried either", async () => {
    const server = await listenerServer(serveFunctions);
    const error = await rejectionOf(endpointFor(`${server.origin}/statefun`).invoke(testBatch('nobody', 'x', ['hi'])));
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
    expect(error.message).toContain('KF_UNKNOWN_FUNCTION');
    expect(server.requests).toHaveLength(1);
  });

  test.each([
    ['declared in Content-Length', true],
    ['streamed without a length', false],
  ])('a response body over payloadMaxBytes (%s) fails with KF_ENDPOINT_FAILED', async (_what, declared) => {
    const server = await rawServer((_request, _body, response) => {
      const big = Buffer.alloc(4_096, 1);
      if (declared) answer(response, 200, big, 'application/octet-stream');
      else {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        response.write(big.subarray(0, 1_000));
        setTimeout(() => response.end(big.subarray(1_000)), 10);
      }
    });
    const error = await rejectionOf(endpointFor(`${server.origin}/x`, { payloadMaxBytes: 2_048 }).invoke(testBatch('echo', 'a', ['hi'])));
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
    expect(server.requests).toHaveLength(1);
  });

  test('a 200 whose body is not a FromFunction fails with KF_ENDPOINT_FAILED, not retried', async () => {
    const server = await rawServer((_request, _body, response) => answer(response, 200, Buffer.from([0xff, 0xff, 0xff]), 'application/octet-stream'));
    const error = await rejectionOf(endpointFor(`${server.origin}/x`).invoke(testBatch('echo', 'a', ['hi'])));
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
    expect(server.requests).toHaveLength(1);
  });

  test('waits for readiness between attempts', async () => {
    const port = await freePort();
    let server: FunctionHttpServer | undefined;
    let readyChecks = 0;
    const waitUntilReady = async (): Promise<void> => {
      readyChecks++;
      if (server === undefined) {
        server = serveHttp(TEST_FUNCTIONS, { port, host: '127.0.0.1', logger: silentLogger });
        closers.push(() => server!.close());
        await server.listening;
      }
    };
    const endpoint = endpointFor(`http://127.0.0.1:${port}/x`, {}, { logger: silentLogger, waitUntilReady });
    expect((await endpoint.invoke(testBatch('echo', 'a', ['hi']))).kind).toBe('invocationResult');
    expect(readyChecks).toBe(1);
  });

  test('rejects a bad URL template and unreadable TLS files with KF_MODULE_INVALID', () => {
    for (const build of [
      () => new HttpFunctionEndpoint(httpEndpointConfig('ftp://fns/{function.name}')),
      () => new HttpFunctionEndpoint(httpEndpointConfig('http+unix:///run/functions/statefun')),
      () =>
        new HttpFunctionEndpoint(
          httpEndpointConfig('https://fns/x', { tls: { caFile: '/nonexistent/ca.pem', rejectUnauthorized: true } }),
        ),
    ]) {
      expect(build).toThrow(KeyflowError);
      expect(build).toThrow(expect.objectContaining({ code: RuntimeErrorCodes.MODULE_INVALID }) as Error);
    }
  });

  test('a closed endpoint sends nothing', async () => {
    const port = await freePort();
    const endpoint = endpointFor(`http://127.0.0.1:${port}/x`);
    await endpoint.close();
    const error = await rejectionOf(endpoint.invoke(testBatch('echo', 'a', ['hi'])));
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_UNREACHABLE);
  });
});
