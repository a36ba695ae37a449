import type { AddressInfo } from 'node:net';
import { SdkErrorCodes, serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { HttpFunctionEndpoint } from './http-endpoint';
import { httpEndpointConfig } from '../test-support/endpoint-configs';
import { TEST_FUNCTIONS, testBatch } from '../test-support/test-functions';

// Request signing between the runtime's HTTP endpoint and the sdk's function service, over real
// HTTP: signed requests are served, unsigned or wrongly signed ones refused with 401, and a key
// rotates without a refused request (the service takes the old and the new key meanwhile).

const SECRET_1 = 'first-signing-secret-0123456789';
const SECRET_2 = 'second-signing-secret-0123456789';
const SOURCE = { file: '/m/module.yaml', line: 7 };

describe('request signing', () => {
  const servers: FunctionHttpServer[] = [];
  const endpoints: HttpFunctionEndpoint[] = [];
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
    delete process.env['KF_TEST_SIGNING_SECRET'];
  });

  async function service(signatureKeys: Record<string, string>): Promise<string> {
    const server = serveHttp(TEST_FUNCTIONS, { port: 0, host: '127.0.0.1', logger: silentLogger, signatureKeys });
    servers.push(server);
    return `http://127.0.0.1:${((await server.listening) as AddressInfo).port}/statefun`;
  }

  function endpoint(url: string, signing?: { keyId: string; secret: string }): HttpFunctionEndpoint {
    if (signing !== undefined) process.env['KF_TEST_SIGNING_SECRET'] = signing.secret;
    const config = httpEndpointConfig(url);
    const created = new HttpFunctionEndpoint(
      signing === undefined ? config : { ...config, signing: { keyId: signing.keyId, secretEnv: 'KF_TEST_SIGNING_SECRET', source: SOURCE } },
      { logger: silentLogger },
    );
    endpoints.push(created);
    return created;
  }

  it('serves signed requests and refuses unsigned or wrongly signed ones with 401', async () => {
    const url = await service({ k1: SECRET_1 });
    expect((await endpoint(url, { keyId: 'k1', secret: SECRET_1 }).invoke(testBatch('counter', 'a', ['hi']))).kind).toBe('invocationResult');
    for (const wrong of [undefined, { keyId: 'k1', secret: SECRET_2 }, { keyId: 'k9', secret: SECRET_1 }]) {
      await expect(endpoint(url, wrong).invoke(testBatch('counter', 'a', ['hi']))).rejects.toThrow(new RegExp(`401.*${SdkErrorCodes.REQUEST_SIGNATURE_INVALID}`));
    }
  });

  it('rotates a key without a refused request', async () => {
    const before = await service({ k1: SECRET_1 });
    const during = await service({ k1: SECRET_1, k2: SECRET_2 });
    const after = await service({ k2: SECRET_2 });
    const oldKey = { keyId: 'k1', secret: SECRET_1 };
    const newKey = { keyId: 'k2', secret: SECRET_2 };
    // 1. The services learn the new key; the runtime still signs with the old one.
    expect((await endpoint(before, oldKey).invoke(testBatch('counter', 'r', ['1']))).kind).toBe('invocationResult');
    expect((await endpoint(during, oldKey).invoke(testBatch('counter', 'r', ['2']))).kind).toBe('invocationResult');
    // 2. The runtime restarts with the new key.
    expect((await endpoint(during, newKey).invoke(testBatch('counter', 'r', ['3']))).kind).toBe('invocationResult');
    // 3. The services forget the old key.
    expect((await endpoint(after, newKey).invoke(testBatch('counter', 'r', ['4']))).kind).toBe('invocationResult');
    await expect(endpoint(after, oldKey).invoke(testBatch('counter', 'r', ['5']))).rejects.toThrow(SdkErrorCodes.REQUEST_SIGNATURE_INVALID);
  });

  it('refuses to start without the secret, naming the module file and line', () => {
    const config = { ...httpEndpointConfig('http://127.0.0.1:9/statefun'), signing: { keyId: 'k1', secretEnv: 'KF_TEST_SIGNING_SECRET', source: SOURCE } };
    expect(() => new HttpFunctionEndpoint(config)).toThrow("/m/module.yaml:7: signing key 'k1' takes its secret from $KF_TEST_SIGNING_SECRET, which is not set");
    process.env['KF_TEST_SIGNING_SECRET'] = 'short';
    expect(() => new HttpFunctionEndpoint(config)).toThrow('5 characters long');
  });
});
