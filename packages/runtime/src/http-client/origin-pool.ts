import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureContext } from 'node:tls';
import { AttemptFailure } from './attempt-failure';
import type { EndpointUrl } from './endpoint-url';
import { HttpConnection, type ConnectionOwner } from './http-connection';

/** How an {@link OriginPool} connects and how long it keeps idle connections. */
export interface OriginPoolOptions {
  /** Most idle connections kept; more are closed. */
  readonly maxIdle: number;
  /** An idle connection is closed after this long; 0 keeps it until the server closes it. */
  readonly idleMs: number;
  /** For `https://` origins: the CA, client certificate and key, and whether to verify the server. */
  readonly tls: { readonly secureContext: SecureContext; readonly rejectUnauthorized: boolean } | undefined;
}

// TCP keep-alive probes on pooled connections notice a vanished server, as Node's agent does.
const KEEP_ALIVE_PROBE_DELAY_MS = 1_000;

/**
 * The keep-alive connections to one server (scheme, host and port, or Unix socket). Hands out
 * the most recently used idle connection, or opens a new one; the caller bounds how many are in
 * use at once. Idle connections do not keep the process alive.
 */
export class OriginPool implements ConnectionOwner {
  /** Idle connections, the most recently used last. */
  readonly #idle: HttpConnection[] = [];
  readonly #open = new Set<HttpConnection>();
  #idleTimer: NodeJS.Timeout | undefined;
  #destroyed = false;

  constructor(
    private readonly url: EndpointUrl,
    private readonly options: OriginPoolOptions,
  ) {}

  /**
   * A connection for one request: an idle one, or a new one that is still connecting. Throws a
   * transient {@link AttemptFailure} once the pool is destroyed.
   */
  acquire(): HttpConnection {
    if (this.#destroyed) throw new AttemptFailure('network', 'the endpoint was closed', true);
    return this.#idle.pop() ?? this.#connect();
  }

  /** Connections open now, idle or in use. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Closes every connection; requests in flight fail with `reason`. */
  destroy(reason: AttemptFailure): void {
    this.#destroyed = true;
    clearTimeout(this.#idleTimer);
    for (const connection of [...this.#open]) connection.destroy(reason);
  }

  released(connection: HttpConnection): void {
    if (this.#destroyed || this.#idle.length >= this.options.maxIdle) {
      connection.destroy(new AttemptFailure('network', 'the pool has enough idle connections', true));
      return;
    }
    connection.idleSince = performance.now();
    connection.idle();
    this.#idle.push(connection);
    if (this.#idleTimer === undefined) this.#scheduleIdleCheck();
  }

  closed(connection: HttpConnection): void {
    this.#open.delete(connection);
    const index = this.#idle.indexOf(connection);
    if (index >= 0) this.#idle.splice(index, 1);
  }

  #connect(): HttpConnection {
    const { url } = this;
    const tls = this.options.tls;
    let socket: Socket;
    if (url.tls) {
      if (tls === undefined) throw new Error('an https origin needs TLS options');
      const options: ConnectionOptions = {
        secureContext: tls.secureContext,
        rejectUnauthorized: tls.rejectUnauthorized,
        ...(url.socketPath === undefined ? { host: url.hostname, port: url.port } : { path: url.socketPath }),
        // SNI takes a host name, never an IP address.
        ...(isIP(url.hostname) === 0 ? { servername: url.hostname } : {}),
      };
      socket = tlsConnect(options);
    } else {
      socket = url.socketPath === undefined ? netConnect(url.port, url.hostname) : netConnect(url.socketPath);
    }
    socket.setKeepAlive(true, KEEP_ALIVE_PROBE_DELAY_MS);
    const connection = new HttpConnection(socket, url.tls ? 'secureConnect' : 'connect', this);
    this.#open.add(connection);
    return connection;
  }

  /** Closes the connections idle for `idleMs`, then waits for the next one to get there. */
  #scheduleIdleCheck(): void {
    const { idleMs } = this.options;
    const oldest = this.#idle[0];
    if (idleMs <= 0 || oldest === undefined || this.#destroyed) return;
    this.#idleTimer = setTimeout(
      () => {
        this.#idleTimer = undefined;
        const now = performance.now();
        for (let first = this.#idle[0]; first !== undefined && now - first.idleSince >= idleMs; first = this.#idle[0]) {
          first.destroy(new AttemptFailure('network', 'the connection was idle too long', true));
        }
        this.#scheduleIdleCheck();
      },
      Math.max(0, oldest.idleSince + idleMs - performance.now()),
    ).unref();
  }
}
