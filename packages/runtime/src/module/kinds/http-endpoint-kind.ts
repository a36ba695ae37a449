import type { HttpEndpointConfig, SourceLocation } from '../module-config';
import type { SpecReader } from '../spec-reader';
import { readFunctionPattern } from './function-pattern';
import { defaultTransport, readTimeouts, readTransport } from './transport-config';
import { readUrlPathTemplate } from './url-path-template';

/** StateFun's default batch cap per address, applied when `maxNumBatchRequests` is absent. */
export const DEFAULT_MAX_NUM_BATCH_REQUESTS = 1000;

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
 * ```
 */
export function parseHttpEndpoint(spec: SpecReader, source: SourceLocation): HttpEndpointConfig {
  const functions = readFunctionPattern(spec);
  const url = readUrlPathTemplate(spec);
  return {
    kind: 'http',
    source,
    functions,
    urlPathTemplate: url.template,
    maxNumBatchRequests: spec.optionalInt('maxNumBatchRequests', { min: 1 }) ?? DEFAULT_MAX_NUM_BATCH_REQUESTS,
    transport: readTransport(spec, url.secure),
  };
}

/**
 * `io.statefun.endpoints.v1/http`, StateFun's first endpoint version: like v2 without a
 * `transport` block, with `timeouts: { call, connect, read, write }` directly under `spec`.
 */
export function parseHttpEndpointV1(spec: SpecReader, source: SourceLocation): HttpEndpointConfig {
  const functions = readFunctionPattern(spec);
  const url = readUrlPathTemplate(spec);
  return {
    kind: 'http',
    source,
    functions,
    urlPathTemplate: url.template,
    maxNumBatchRequests: spec.optionalInt('maxNumBatchRequests', { min: 1 }) ?? DEFAULT_MAX_NUM_BATCH_REQUESTS,
    transport: defaultTransport(readTimeouts(spec.optionalObject('timeouts'))),
  };
}
