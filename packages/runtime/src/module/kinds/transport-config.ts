import type { TransportConfig } from '../../config/module-config';
import type { SpecReader } from '../spec-reader';
import { readTlsConfig } from './tls-config';

/** StateFun's transport client types; Keyflow has one HTTP client and accepts both names. */
export const TransportTypes = {
  /** StateFun's default since 3.1: the asynchronous (Netty) client. */
  ASYNC: 'io.statefun.transports.v1/async',
  /** StateFun's blocking OkHttp client, which reads its timeouts from `transport.timeouts`. */
  OKHTTP: 'io.statefun.transports.v1/okhttp',
} as const;

const DEFAULT_CALL_MS = 60_000;
const DEFAULT_CONNECT_MS = 10_000;
const DEFAULT_POOL_SIZE = 1024;
const DEFAULT_POOL_TTL_MS = 15_000;
const DEFAULT_PAYLOAD_MAX_BYTES = 32 * 1024 * 1024;
const TIMEOUT_KEYS = ['call', 'connect', 'read', 'write'] as const;

type Timeouts = Partial<Record<(typeof TIMEOUT_KEYS)[number], number>>;

/** The transport of an endpoint without a `transport` block. */
export function defaultTransport(timeouts: Timeouts = {}): TransportConfig {
  const callMs = timeouts.call ?? DEFAULT_CALL_MS;
  return {
    callMs,
    connectMs: timeouts.connect ?? Math.min(DEFAULT_CONNECT_MS, callMs),
    readMs: timeouts.read ?? callMs,
    writeMs: timeouts.write ?? callMs,
    poolSize: DEFAULT_POOL_SIZE,
    poolTtlMs: DEFAULT_POOL_TTL_MS,
    payloadMaxBytes: DEFAULT_PAYLOAD_MAX_BYTES,
    tls: undefined,
  };
}

/**
 * Reads StateFun's `timeouts: { call, connect, read, write }` block (every timeout above 0,
 * as StateFun requires).
 */
export function readTimeouts(timeouts: SpecReader | undefined): Timeouts {
  const result: Timeouts = {};
  if (timeouts === undefined) return result;
  for (const key of TIMEOUT_KEYS) {
    const millis = timeouts.optionalDuration(key, { min: 1 });
    if (millis !== undefined) result[key] = millis;
  }
  return result;
}

/**
 * Reads `spec.transport` of an `io.statefun.endpoints.v2/http` document. Timeouts may be
 * written flat (`transport.call`, the async transport's form) or nested
 * (`transport.timeouts.call`, the OkHttp form); `pool_ttl`, `pool_size`, `payload_max_bytes`
 * and TLS files as StateFun's async transport names them, plus Keyflow's `tls` block.
 * Defaults: call 1 min, connect 10 s (at most the call timeout), read and write the call
 * timeout, pool of 1024 connections kept 15 s, responses up to 32 MiB.
 */
export function readTransport(spec: SpecReader, secure: boolean): TransportConfig {
  const transport = spec.optionalObject('transport');
  if (transport === undefined) return defaultTransport();
  transport.optionalEnumOf('type', [TransportTypes.ASYNC, TransportTypes.OKHTTP]);
  const nested = readTimeouts(transport.optionalObject('timeouts'));
  const flat = readTimeouts(transport);
  for (const key of TIMEOUT_KEYS) {
    if (nested[key] !== undefined && flat[key] !== undefined) {
      transport.error(key, `either transport.${key} or transport.timeouts.${key}, not both`, 'is set twice (also in timeouts)');
    }
  }
  const poolTtlMs = transport.optionalDuration('pool_ttl', { min: 0 });
  const poolSize = transport.optionalInt('pool_size', { min: 1 });
  const payloadMaxBytes = transport.optionalInt('payload_max_bytes', { min: 1 });
  const tls = readTlsConfig(transport, secure);
  return {
    ...defaultTransport({ ...flat, ...nested }),
    ...(poolTtlMs === undefined ? {} : { poolTtlMs }),
    ...(poolSize === undefined ? {} : { poolSize }),
    ...(payloadMaxBytes === undefined ? {} : { payloadMaxBytes }),
    tls,
  };
}
