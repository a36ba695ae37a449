import type { HttpEndpointConfig } from '../../config/module-config';
import { parseModule } from '../module-loader';
import { moduleErrorOf, problemLines, yaml } from '../../test-support/module-test-helpers';

const FILE = '/srv/app/module.yaml';

/** A v2 endpoint document whose spec ends with `extra` lines (line 5 onwards). */
const endpoint = (url: string, ...extra: string[]): string =>
  yaml(
    'kind: io.statefun.endpoints.v2/http', // 1
    'spec:', // 2
    '  functions: example/*', // 3
    `  urlPathTemplate: ${url}`, // 4
    ...extra,
  );

const parseEndpoint = (text: string): HttpEndpointConfig => {
  const [config] = parseModule(text, FILE).endpoints;
  if (config?.kind !== 'http') throw new Error('expected an http endpoint');
  return config;
};

const problemsOf = (text: string): string[] => problemLines(moduleErrorOf(() => parseModule(text, FILE)));

describe('io.statefun.endpoints.v2/http', () => {
  it("reads signing's key id and secret variable (Keyflow's addition), and refuses a key id the header cannot carry", () => {
    expect(parseEndpoint(endpoint('http://f/', '  signing: { keyId: k1, secretEnv: FN_SECRET }')).signing).toEqual({
      keyId: 'k1',
      secretEnv: 'FN_SECRET',
      source: { file: FILE, line: 5 },
    });
    expect(parseEndpoint(endpoint('http://f/')).signing).toBeUndefined();
    expect(problemsOf(endpoint('http://f/', '  signing: { keyId: "k,1", secretEnv: FN_SECRET }'))).toEqual(['module.yaml:5 spec.signing.keyId']);
    expect(problemsOf(endpoint('http://f/', '  signing: { keyId: k1 }'))).toEqual(['module.yaml:5 spec.signing.secretEnv']);
  });

  it("reads onFailure, the failure policy of the endpoint's functions (Keyflow's addition), each key defaulting alone", () => {
    expect(parseEndpoint(endpoint('http://f/', '  onFailure: { retryFor: 30s, then: stop }')).failurePolicy).toEqual({ retryForMs: 30_000, then: 'stop' });
    expect(parseEndpoint(endpoint('http://f/', '  onFailure: { then: park }')).failurePolicy).toEqual({ retryForMs: 60_000, then: 'park' });
    expect(parseEndpoint(endpoint('http://f/')).failurePolicy).toBeUndefined();
    expect(problemsOf(endpoint('http://f/', '  onFailure: { then: drop }'))).toEqual(['module.yaml:5 spec.onFailure.then']);
  });

  it('reads one function type or a whole namespace, including namespaces with slashes', () => {
    expect(parseEndpoint(endpoint('http://f/').replace('example/*', 'com.example/fns/*')).functions).toEqual({
      kind: 'namespace',
      namespace: 'com.example/fns',
    });
    expect(parseEndpoint(endpoint('http://f/').replace('example/*', 'example/greeter')).functions).toEqual({
      kind: 'function',
      typename: 'example/greeter',
    });
    expect(problemsOf(endpoint('http://f/').replace('example/*', '*/greeter'))).toEqual(['module.yaml:3 spec.functions']);
  });

  it('keeps absolute http+unix URLs and https+unix URLs as written', () => {
    expect(parseEndpoint(endpoint('http+unix:///run/fns.sock/statefun')).urlPathTemplate).toBe('http+unix:///run/fns.sock/statefun');
    expect(parseEndpoint(endpoint('https+unix:///run/fns.sock')).urlPathTemplate).toBe('https+unix:///run/fns.sock');
    expect(parseEndpoint(endpoint('http+unix://run/fns.sock/{function.name}')).urlPathTemplate).toBe(
      'http+unix:///srv/app/run/fns.sock/{function.name}',
    );
  });

  it('defaults connect to at most the call timeout, and read and write to the call timeout', () => {
    expect(parseEndpoint(endpoint('http://f/', '  transport:', '    call: 5s')).transport).toMatchObject({
      callMs: 5_000,
      connectMs: 5_000,
      readMs: 5_000,
      writeMs: 5_000,
    });
    expect(parseEndpoint(endpoint('http://f/', '  transport:')).transport.callMs).toBe(60_000);
  });

  it('accepts the transport type of either StateFun client, and nothing else', () => {
    expect(parseEndpoint(endpoint('http://f/', '  transport: { type: io.statefun.transports.v1/okhttp }')).transport.callMs).toBe(60_000);
    const error = moduleErrorOf(() => parseModule(endpoint('http://f/', '  transport:', '    type: io.statefun.transports.v1/http'), FILE));
    expect(problemLines(error)).toEqual(['module.yaml:6 spec.transport.type']);
    expect(error.message).toContain("expected one of 'io.statefun.transports.v1/async', 'io.statefun.transports.v1/okhttp'");
  });

  it('refuses a timeout written both flat and under timeouts', () => {
    expect(problemsOf(endpoint('http://f/', '  transport:', '    call: 1m', '    timeouts: { call: 2m }'))).toEqual(['module.yaml:6 spec.transport.call']);
  });

  it('refuses sizes below 1 and a batch size below 1', () => {
    expect(
      problemsOf(endpoint('http://f/', '  maxNumBatchRequests: 0', '  transport:', '    pool_size: 0', '    payload_max_bytes: -1')),
    ).toEqual(['module.yaml:5 spec.maxNumBatchRequests', 'module.yaml:7 spec.transport.pool_size', 'module.yaml:8 spec.transport.payload_max_bytes']);
  });

  it('accepts pool_ttl 0, which disables pooling in StateFun', () => {
    expect(parseEndpoint(endpoint('http://f/', '  transport: { pool_ttl: 0 }')).transport.poolTtlMs).toBe(0);
  });

  describe('TLS', () => {
    it('defaults rejectUnauthorized to true and leaves unset files out', () => {
      expect(parseEndpoint(endpoint('https://f/', '  transport:', '    tls: { ca: ca.pem }')).transport.tls).toEqual({
        caFile: '/srv/app/ca.pem',
        rejectUnauthorized: true,
      });
    });

    it('wants a client certificate and its key together', () => {
      expect(problemsOf(endpoint('https://f/', '  transport:', '    tls:', '      cert: c.pem'))).toEqual(['module.yaml:7 spec.transport.tls.cert']);
      expect(problemsOf(endpoint('https://f/', '  transport:', '    client_key: k.pem'))).toEqual(['module.yaml:6 spec.transport.client_key']);
    });

    it('refuses a setting given in both spellings', () => {
      expect(problemsOf(endpoint('https://f/', '  transport:', '    trust_cacerts: a.pem', '    tls: { ca: b.pem }'))).toEqual([
        'module.yaml:6 spec.transport.trust_cacerts',
      ]);
    });

    it('refuses client_key_password, which Keyflow cannot use yet, rather than ignore it', () => {
      const error = moduleErrorOf(() =>
        parseModule(endpoint('https://f/', '  transport:', '    client_cert: c.pem', '    client_key: k.pem', '    client_key_password: p.txt'), FILE),
      );
      expect(problemLines(error)).toEqual(['module.yaml:8 spec.transport.client_key_password']);
      expect(error.message).toContain('is not supported by Keyflow yet, expected an unencrypted PKCS8 key in client_key');
    });

    it('refuses a tls block on a plain http URL', () => {
      expect(problemsOf(endpoint('http://f/', '  transport:', '    tls:', '      rejectUnauthorized: false'))).toEqual(['module.yaml:6 spec.transport.tls']);
    });
  });
});

describe('io.statefun.endpoints.v1/http', () => {
  it('knows no transport block', () => {
    const text = yaml('kind: io.statefun.endpoints.v1/http', 'spec:', '  functions: a/*', '  urlPathTemplate: http://f/', '  transport: {}');
    expect(problemsOf(text)).toEqual(['module.yaml:5 spec.transport']);
  });
});
