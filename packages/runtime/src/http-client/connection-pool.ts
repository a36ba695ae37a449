import { createSecureContext, type SecureContext } from 'node:tls';
import type { TransportConfig } from '../config/module-config';
import { AttemptFailure } from './attempt-failure';
import type { EndpointUrl } from './endpoint-url';
import { OriginPool } from './origin-pool';
import type { TlsMaterial } from './tls-material';

/**
 * The keep-alive connections of one endpoint: an {@link OriginPool} per server its URLs name,
 * each made on first use, sharing one TLS context. An idle connection is closed after
 * `poolTtlMs` (0 keeps it until the server closes it); at most `poolSize` are kept idle per server.
 */
export class ConnectionPool {
  readonly #origins = new Map<string, OriginPool>();
  #secureContext: SecureContext | undefined;

  /** Throws when the CA, certificate or key cannot be used (not PEM, or a key that does not match). */
  constructor(
    private readonly transport: TransportConfig,
    private readonly tls: TlsMaterial,
  ) {
    if (tls.ca !== undefined || tls.cert !== undefined) this.#tlsContext();
  }

  /** The pool of the server that `url` names. */
  originOf(url: EndpointUrl): OriginPool {
    const key = `${url.tls ? 'https' : 'http'}|${url.socketPath ?? `${url.hostname}|${url.port}`}`;
    let origin = this.#origins.get(key);
    if (origin === undefined) {
      origin = new OriginPool(url, {
        maxIdle: this.transport.poolSize,
        idleMs: this.transport.poolTtlMs,
        tls: url.tls ? { secureContext: this.#tlsContext(), rejectUnauthorized: this.tls.rejectUnauthorized } : undefined,
      });
      this.#origins.set(key, origin);
    }
    return origin;
  }

  /** Connections open now to all servers, idle or in use. */
  openConnections(): number {
    let open = 0;
    for (const origin of this.#origins.values()) open += origin.openCount;
    return open;
  }

  /** Closes every pooled connection; requests in flight fail. */
  destroy(): void {
    const reason = new AttemptFailure('network', 'the endpoint was closed', true);
    for (const origin of this.#origins.values()) origin.destroy(reason);
  }

  // Parsed once: the CA, certificate and key of every TLS connection of the endpoint.
  #tlsContext(): SecureContext {
    const { ca, cert, key } = this.tls;
    this.#secureContext ??= createSecureContext({
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    });
    return this.#secureContext;
  }
}
