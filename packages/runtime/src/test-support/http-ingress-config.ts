import type { HttpIngressConfig, HttpIngressRoute } from '../config/module-config';

/** An HTTP ingress on 127.0.0.1 (a free port unless `port` says), with small limits for tests. */
export function httpIngressConfig(id: string, routes: readonly HttpIngressRoute[], overrides: Partial<HttpIngressConfig> = {}): HttpIngressConfig {
  return {
    kind: 'http-ingress',
    source: { file: 'module.yaml', line: 1 },
    id,
    host: '127.0.0.1',
    port: 0,
    routes,
    idempotencyWindowMs: 60_000,
    maxBodyBytes: 1_024,
    replyRetentionMs: 60_000,
    maxKeptReplies: 100_000,
    ...overrides,
  };
}
