import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyflowError, createHttpRequestListener, createRequestHandler, silentLogger } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { TlsConfig } from '../config/module-config';
import { HttpFunctionEndpoint } from './http-endpoint';
import { httpEndpointConfig } from '../test-support/endpoint-configs';
import { closeServer, startListenerServer, type RawServer } from '../test-support/raw-server';
import { hasOpenssl, makeTestCertificates, type TestCertificates } from '../test-support/test-certificates';
import { TEST_FUNCTIONS, testBatch } from '../test-support/test-functions';

const describeWithOpenssl = hasOpenssl() ? describe : describe.skip;

describeWithOpenssl('HttpFunctionEndpoint over TLS', () => {
  let dir: string;
  let certs: TestCertificates;
  let tlsServer: RawServer;
  let mutualTlsServer: RawServer;
  const endpoints: HttpFunctionEndpoint[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kf-tls-'));
    certs = makeTestCertificates(dir);
    const listener = createHttpRequestListener(createRequestHandler(TEST_FUNCTIONS));
    const serverTls = { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) };
    tlsServer = await startListenerServer(listener, { tls: serverTls });
    mutualTlsServer = await startListenerServer(listener, {
      tls: { ...serverTls, ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: true },
    });
  });
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
  });
  afterAll(async () => {
    await tlsServer.close();
    await mutualTlsServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (server: RawServer, tls: TlsConfig | undefined) => {
    const endpoint = new HttpFunctionEndpoint(httpEndpointConfig(`${server.origin}/statefun`, { tls, callMs: 1_000 }), {
      logger: silentLogger,
    });
    endpoints.push(endpoint);
    return endpoint.invoke(testBatch('echo', 'alice', ['hi']));
  };
  const failureOf = async (promise: Promise<unknown>): Promise<KeyflowError> =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => error as KeyflowError,
    );

  test('trusts a server whose certificate is signed by the configured CA', async () => {
    expect((await invoke(tlsServer, { caFile: certs.caFile, rejectUnauthorized: true })).kind).toBe('invocationResult');
  });

  test('refuses an untrusted certificate at once, without retrying', async () => {
    const before = tlsServer.requests.length;
    const error = await failureOf(invoke(tlsServer, undefined));
    expect(error).toBeInstanceOf(KeyflowError);
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
    expect(tlsServer.requests.length).toBe(before);
  });

  test('accepts any certificate when rejectUnauthorized is false', async () => {
    expect((await invoke(tlsServer, { rejectUnauthorized: false })).kind).toBe('invocationResult');
  });

  test('authenticates with a client certificate (mutual TLS)', async () => {
    const tls = { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile, rejectUnauthorized: true };
    expect((await invoke(mutualTlsServer, tls)).kind).toBe('invocationResult');
    expect(mutualTlsServer.requests).toHaveLength(1);
  });

  test('fails when a mutual TLS server gets no client certificate', async () => {
    const error = await failureOf(invoke(mutualTlsServer, { caFile: certs.caFile, rejectUnauthorized: true }));
    expect(error).toBeInstanceOf(KeyflowError);
    expect(error.code).toBe(RuntimeErrorCodes.ENDPOINT_FAILED);
  });

  test('reaches a TLS server on a Unix socket (https+unix)', async () => {
    const socketPath = join(dir, 'functions.sock');
    const server = createHttpsServer(
      { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
      createHttpRequestListener(createRequestHandler(TEST_FUNCTIONS)),
    );
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const endpoint = new HttpFunctionEndpoint(
        httpEndpointConfig(`https+unix://${socketPath}/statefun`, { tls: { caFile: certs.caFile, rejectUnauthorized: true }, callMs: 1_000 }),
        { logger: silentLogger },
      );
      endpoints.push(endpoint);
      expect((await endpoint.invoke(testBatch('echo', 'alice', ['hi']))).kind).toBe('invocationResult');
    } finally {
      await closeServer(server);
    }
  });

  test('rejects a client certificate or key that is not PEM when the endpoint is built', () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    expect(
      () =>
        new HttpFunctionEndpoint(
          httpEndpointConfig(`${tlsServer.origin}/x`, { tls: { certFile: garbage, keyFile: garbage, rejectUnauthorized: true } }),
        ),
    ).toThrow(expect.objectContaining({ code: RuntimeErrorCodes.MODULE_INVALID }) as Error);
  });

  test('needs both the client certificate and its key', () => {
    expect(
      () =>
        new HttpFunctionEndpoint(
          httpEndpointConfig(`${tlsServer.origin}/x`, { tls: { certFile: certs.clientCertFile, rejectUnauthorized: true } }),
        ),
    ).toThrow(expect.objectContaining({ code: RuntimeErrorCodes.MODULE_INVALID }) as Error);
  });
});
