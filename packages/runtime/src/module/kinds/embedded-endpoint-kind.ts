import type { EmbeddedEndpointConfig, SourceLocation } from '../../config/module-config';
import { RuntimeDefaults } from '../../config/runtime-defaults';
import { EmbeddedFunctionEndpoint } from '../../endpoints/embedded-endpoint';
import type { SpecReader } from '../spec-reader';
import { readFailurePolicy } from './failure-policy-spec';
import { readFunctionPattern } from './function-pattern';
import type { EndpointKind } from './kind';
import { ModuleKinds } from './module-kinds';

/**
 * `io.keyflow.endpoints.v1/embedded`: functions imported into the runtime process.
 *
 * ```yaml
 * kind: io.keyflow.endpoints.v1/embedded
 * spec:
 *   functions: example/*
 *   module: ./dist/functions.js          # relative to this file
 *   maxNumBatchRequests: 1000            # optional
 *   onFailure: { retryFor: 30s, then: park }   # optional: see failure-policy-spec.ts
 * ```
 */
export function parseEmbeddedEndpoint(spec: SpecReader, source: SourceLocation): EmbeddedEndpointConfig {
  const config: EmbeddedEndpointConfig = {
    kind: 'embedded',
    source,
    functions: readFunctionPattern(spec),
    modulePath: spec.filePath('module'),
    maxNumBatchRequests: spec.optionalInt('maxNumBatchRequests', { min: 1 }) ?? RuntimeDefaults.MAX_BATCH_SIZE,
  };
  const failurePolicy = readFailurePolicy(spec);
  return failurePolicy === undefined ? config : { ...config, failurePolicy };
}

/** The embedded endpoint kind: functions imported into the runtime process. */
export const embeddedEndpointKind: EndpointKind<EmbeddedEndpointConfig> = {
  name: ModuleKinds.EMBEDDED_ENDPOINT,
  role: 'endpoint',
  readSpec: parseEmbeddedEndpoint,
  create: (config) => ({
    functions: config.functions,
    endpoint: EmbeddedFunctionEndpoint.load(config),
    maxBatchSize: config.maxNumBatchRequests,
    failurePolicy: config.failurePolicy,
  }),
};
