import type { EmbeddedEndpointConfig, SourceLocation } from '../module-config';
import type { SpecReader } from '../spec-reader';
import { readFunctionPattern } from './function-pattern';
import { DEFAULT_MAX_NUM_BATCH_REQUESTS } from './http-endpoint-kind';

/**
 * `io.keyflow.endpoints.v1/embedded`: functions imported into the runtime process.
 *
 * ```yaml
 * kind: io.keyflow.endpoints.v1/embedded
 * spec:
 *   functions: example/*
 *   module: ./dist/functions.js          # relative to this file
 *   maxNumBatchRequests: 1000            # optional
 * ```
 */
export function parseEmbeddedEndpoint(spec: SpecReader, source: SourceLocation): EmbeddedEndpointConfig {
  return {
    kind: 'embedded',
    source,
    functions: readFunctionPattern(spec),
    modulePath: spec.filePath('module'),
    maxNumBatchRequests: spec.optionalInt('maxNumBatchRequests', { min: 1 }) ?? DEFAULT_MAX_NUM_BATCH_REQUESTS,
  };
}
