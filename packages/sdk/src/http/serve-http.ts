import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from '../handler/request-handler';
import type { FunctionClass } from '../handler/function-registry';
import { createLogger } from '../logging/logger';
import { createHttpRequestListener, type HttpListenerOptions } from './request-listener';

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions extends HttpListenerOptions {
  /** TCP port; 0 picks a free one. Default 8000. */
  readonly port?: number;
  /** Interface to bind. Default: all interfaces. */
  readonly host?: string;
  /** A Unix socket path to listen on instead of a TCP port (co-located functions). */
  readonly socketPath?: string;
}

/** A running function server. */
export interface FunctionHttpServer {
  readonly server: Server;
  /** Resolves once the server accepts connections, with where it listens. */
  readonly listening: Promise<AddressInfo | string>;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

/**
 * Serves functions over HTTP with Node's `http` module, for any StateFun-protocol runtime
 * (Keyflow's or Apache Flink StateFun's). Any path is accepted: the request names its target.
 *
 * @example
 * const server = serveHttp([Greeter], { port: 8000 });
 * await server.listening;
 */
export function serveHttp(functions: readonly FunctionClass[], options: ServeHttpOptions = {}): FunctionHttpServer {
  const logger = options.logger ?? createLogger({ fields: { component: 'keyflow-http' } });
  const listener = createHttpRequestListener(createRequestHandler(functions), { ...options, logger });
  const server = createServer({ keepAlive: true }, listener);
  // Longer than the usual client idle timeouts, so a pooled connection is not closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const listening = new Promise<AddressInfo | string>((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      const address = server.address() as AddressInfo | string;
      logger.info('serving functions', { address, functions: functions.map((cls) => cls.name) });
      resolve(address);
    };
    if (options.socketPath !== undefined) server.listen(options.socketPath, onListening);
    else server.listen(options.port ?? 8000, options.host, onListening);
  });
  listening.catch((error: unknown) => logger.error('could not start the function server', { error }));

  return {
    server,
    listening,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
