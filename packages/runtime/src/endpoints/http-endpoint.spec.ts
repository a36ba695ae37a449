import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpRequestListener, createRequestHandler, serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { decodeFromFunction, encodeToFunction, type PbInvocationBatchRequest } from '@keyflow/sdk/protocol';
import { HttpFunctionEndpoint } from './http-endpoint';
import { httpEndpointConfig } from '../test-support/endpoint-configs';
import { startListenerServer, type RawServer } from '../test-support/raw-server';
import { TEST_FUNCTIONS, testBatch } from '../test-support/test-functions';

/** What the sdk's handler answers when called directly, without HTTP. */
async function directly(batch: PbInvocationBatchRequest): Promise<unknown> {
  return decodeFromFunction(await createRequestHandler(TEST_FUNCTIONS)(encodeToFunction(batch)));
}

describe('HttpFunctionEndpoint', () => {
  const endpoints: HttpFunctionEndpoint[] = [];
  const endpointFor = (template: string): HttpFunctionEndpoint => {
    const endpoint = new HttpFunctionEndpoint(httpEndpointConfig(template), { logger: silentLogger });
    endpoints.push(endpoint);
    return endpoint;
  };
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
  });

  describe('over TCP', () => {
    let server: FunctionHttpServer;
    let origin: string;
    let connections = 0;
    beforeAll(async () => {
      server = serveHttp(TEST_FUNCTIONS, { port: 0, host: '127.0.0.1', logger: silentLogger });
      server.server.on('connection', () => connections++);
      origin = `http://127.0.0.1:${((await server.listening) as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    test('returns what the sdk handler returns for the same batch', async () => {
      const endpoint = endpointFor(`${origin}/statefun`);
      for (const batch of [
        testBatch('counter', 'alice', ['hi', 'again'], 41),
        testBatch('counter', 'bob', ['first']),
        testBatch('echo', 'carol', ['ping', 'pong']),
      ]) {
        const reply = await endpoint.invoke(batch);
        expect(reply.kind).toBe('invocationResult');
        expect(reply).toEqual(await directly(batch));
      }
    });

    test('answers an incomplete invocation context like the handler does', async () => {
      const batch: PbInvocationBatchRequest = { ...testBatch('counter', 'dave', ['hi']), state: [] };
      const reply = await endpointFor(`${origin}/statefun`).invoke(batch);
      expect(reply.kind).toBe('incompleteInvocationContext');
      expect(reply).toEqual(await directly(batch));
    });

    test('keeps one connection alive for many sequential calls', async () => {
      const endpoint = endpointFor(`${origin}/statefun`);
      const before = connections;
      for (let i = 0; i < 50; i++) await endpoint.invoke(testBatch('echo', `user-${i}`, ['hi']));
      expect(connections - before).toBe(1);
    });

    test('describes itself by its URL template', () => {
      expect(endpointFor(`${origin}/{function.name}`).description).toBe(`${origin}/{function.name}`);
    });
  });

  describe('URL templating', () => {
    let raw: RawServer;
    beforeAll(async () => {
      raw = await startListenerServer(createHttpRequestListener(createRequestHandler(TEST_FUNCTIONS)));
    });
    afterAll(() => raw.close());

    test('POSTs octet-stream bytes to the template with {function.name} replaced by the function name', async () => {
      const endpoint = endpointFor(`${raw.origin}/fns/{function.name}?v=1`);
      await endpoint.invoke(testBatch('counter', 'alice', ['hi'], 1));
      await endpoint.invoke(testBatch('echo', 'alice', ['hi']));
      await endpoint.invoke(testBatch('counter', 'bob', ['hi'], 2));
      expect(raw.requests.map((request) => request.url)).toEqual(['/fns/counter?v=1', '/fns/echo?v=1', '/fns/counter?v=1']);
      for (const request of raw.requests) {
        expect(request.method).toBe('POST');
        expect(request.headers['content-type']).toBe('application/octet-stream');
      }
    });
  });

  describe('over a Unix socket (http+unix)', () => {
    let dir: string;
    let server: FunctionHttpServer;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kf-uds-'));
      server = serveHttp(TEST_FUNCTIONS, { socketPath: join(dir, 'functions.sock'), logger: silentLogger });
      await server.listening;
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('reaches the functions behind the socket', async () => {
      const endpoint = endpointFor(`http+unix://${dir}/functions.sock/statefun`);
      const batch = testBatch('counter', 'erin', ['hi'], 7);
      expect(await endpoint.invoke(batch)).toEqual(await directly(batch));
      expect(await endpoint.invoke(testBatch('echo', 'erin', ['x']))).toEqual(await directly(testBatch('echo', 'erin', ['x'])));
    });
  });
});
