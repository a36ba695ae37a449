import type { HttpEndpointConfig, RequestSigningConfig, SourceLocation } from '../../config/module-config';
import { RuntimeDefaults } from '../../config/runtime-defaults';
import { HttpFunctionEndpoint } from '../../endpoints/http-endpoint';
import type { SpecReader } from '../spec-reader';
import type { EndpointKind, KindContext } from './kind';
import { ModuleKinds } from './module-kinds';
import { readFunctionPattern } from './function-pattern';
import { defaultTransport, readTimeouts, readTransport } from './transport-config';
import { readFailurePolicy } from './failure-policy-spec';
import { readUrlPathTemplate } from './url-path-template';


/**
 * `io.statefun.endpoints.v2/http`, as StateFun documents it:
 *
 * ```yaml
 * kind: io.statefun.endpoints.v2/http
 * spec:
 *   functions: com.example/*
 *   urlPathTemplate: https://functions.example.com/{function.name}
 *   maxNumBatchRequests: 1000            # optional
 *   transport:                           # optional
 *     type: io.statefun.transports.v1/async
 *     call: 2m
 *     connect: 20s
 *     pool_ttl: 15s
 *     pool_size: 1024
 *     payload_max_bytes: 33554432
 *     tls: { ca: ./ca.pem, cert: ./client.pem, key: ./client.key }   # Keyflow's addition
 *   signing: { keyId: k1, secretEnv: FUNCTIONS_SIGNING_SECRET }     # Keyflow's addition: sign requests
 *   onFailure: { retryFor: 30s, then: park }                        # Keyflow's addition: see failure-policy-spec.ts
 * ```
 */
export function parseHttpEndpoint(spec: SpecReader, source: SourceLocation): HttpEndpointConfig {
  const basics = readEndpointBasics(spec, source, (secure) => readTransport(spec, secure));
  const signing = readSigning(spec);
  const failurePolicy = readFailurePolicy(spec);
  return { ...basics, ...(signing === undefined ? {} : { signing }), ...(failurePolicy === undefined ? {} : { failurePolicy }) };
}

const KEY_ID = /^[^,=\s]+$/;

function readSigning(spec: SpecReader): RequestSigningConfig | undefined {
  const signing = spec.optionalObject('signing');
  if (signing === undefined) return undefined;
  const { file, line } = spec.location('signing');
  const keyId = signing.string('keyId', { expected: "a key id without commas, '=' or spaces, e.g. 'k1'" });
  if (keyId !== '' && !KEY_ID.test(keyId)) signing.error('keyId', "a key id without commas, '=' or spaces, e.g. 'k1'");
  const secretEnv = signing.string('secretEnv', { expected: "the name of the environment variable that holds the secret, e.g. 'FUNCTIONS_SIGNING_SECRET'" });
  return { keyId, secretEnv, source: { file, line } };
}

/**
 * `io.statefun.endpoints.v1/http`, StateFun's first endpoint version: like v2 without a
 * `transport` block, with `timeouts: { call, connect, read, write }` directly under `spec`.
 */
export function parseHttpEndpointV1(spec: SpecReader, source: SourceLocation): HttpEndpointConfig {
  return readEndpointBasics(spec, source, () => defaultTransport(readTimeouts(spec.optionalObject('timeouts'))));
}

/** What both versions have: the functions, the URL, the batch size, and the transport as `transport` reads it. */
function readEndpointBasics(spec: SpecReader, source: SourceLocation, transport: (secure: boolean) => HttpEndpointConfig['transport']): HttpEndpointConfig {
  const functions = readFunctionPattern(spec);
  const url = readUrlPathTemplate(spec);
  return {
    kind: 'http',
    source,
    functions,
    urlPathTemplate: url.template,
    maxNumBatchRequests: spec.optionalInt('maxNumBatchRequests', { min: 1 }) ?? RuntimeDefaults.MAX_BATCH_SIZE,
    transport: transport(url.secure),
  };
}

/** StateFun's HTTP endpoint kind, current version. */
export const httpEndpointKind: EndpointKind<HttpEndpointConfig> = {
  name: ModuleKinds.HTTP_ENDPOINT,
  role: 'endpoint',
  readSpec: parseHttpEndpoint,
  create: createHttpEndpoint,
};

/** StateFun's first HTTP endpoint version. */
export const httpEndpointV1Kind: EndpointKind<HttpEndpointConfig> = {
  name: ModuleKinds.HTTP_ENDPOINT_V1,
  role: 'endpoint',
  readSpec: parseHttpEndpointV1,
  create: createHttpEndpoint,
};

// An endpoint on the socket of a sidecar waits until that sidecar accepts connections.
function createHttpEndpoint(config: HttpEndpointConfig, { logger, sidecars }: KindContext): ReturnType<EndpointKind['create']> {
  const sidecar = sidecars.find((candidate) => candidate.socketPath !== undefined && config.urlPathTemplate.includes(candidate.socketPath));
  const endpoint = new HttpFunctionEndpoint(config, {
    logger,
    ...(sidecar ? { waitUntilReady: () => sidecar.ready() } : {}),
  });
  return { functions: config.functions, endpoint, maxBatchSize: config.maxNumBatchRequests, failurePolicy: config.failurePolicy };
}
