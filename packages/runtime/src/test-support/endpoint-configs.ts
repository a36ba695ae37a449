import type { HttpEndpointConfig, SidecarConfig, TransportConfig } from '../config/module-config';

/** A transport block for tests: short timeouts, everything else at StateFun's defaults. */
export function testTransport(overrides: Partial<TransportConfig> = {}): TransportConfig {
  const callMs = overrides.callMs ?? 2_000;
  return {
    callMs,
    connectMs: 1_000,
    readMs: callMs,
    writeMs: callMs,
    poolSize: 1_024,
    poolTtlMs: 15_000,
    payloadMaxBytes: 32 * 1024 * 1024,
    tls: undefined,
    ...overrides,
  };
}

/** An `io.statefun.endpoints.v2/http` config for the test functions. */
export function httpEndpointConfig(urlPathTemplate: string, transport: Partial<TransportConfig> = {}): HttpEndpointConfig {
  return {
    kind: 'http',
    source: { file: '/test/module.yaml', line: 1 },
    functions: { kind: 'namespace', namespace: 'test.endpoints' },
    urlPathTemplate,
    maxNumBatchRequests: 1_000,
    transport: testTransport(transport),
  };
}

/** An `io.keyflow.process.v1/sidecar` config for tests. */
export function sidecarConfig(init: Pick<SidecarConfig, 'command' | 'cwd'> & Partial<SidecarConfig>): SidecarConfig {
  return {
    kind: 'sidecar',
    source: { file: '/test/module.yaml', line: 7 },
    id: 'test-sidecar',
    env: {},
    socketPath: undefined,
    startTimeoutMs: 5_000,
    restartBackoffMs: 50,
    ...init,
  };
}
