import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { replyJson } from '../http-server/json-reply';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { KeyflowRuntime } from '../runtime/keyflow-runtime';
import { BearerTokens } from '../http-server/bearer-tokens';
import { isConsoleFile, serveConsole } from './console-routes';
import { replyMetrics } from './metrics-route';
import { serveParkedMessages } from './parked-routes';
import { SavepointJobs } from './savepoint-jobs';

/** Where the admin API listens and who may call it. */
export interface AdminServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** When set, requests must carry it as a bearer token. */
  readonly token?: string | undefined;
}

/**
 * The runtime's admin HTTP API, on its own port:
 * - `GET /health`: 200 `{status: 'ok'}`; 503 `{status: 'degraded', ingresses}` while an ingress
 *   cannot accept input (a full disk; it recovers by itself), or 503 with the error once
 *   processing stopped;
 * - `GET /metrics`: Prometheus metrics (text format); `GET /metrics.json` (or `Accept: application/json`): the runtime's counters as JSON;
 * - `POST /checkpoint`: takes a checkpoint now and answers its id;
 * - `POST /savepoint`: starts a savepoint and answers `{ id, status }`;
 * - `GET /savepoints/<id>`: its progress, and its URI once done;
 * - `GET /messages/parked`, `POST /messages/parked/<id>/retry`, `DELETE /messages/parked/<id>`:
 *   the messages parked after their invocation kept failing (see `parked-routes.ts`);
 * - `GET /`: the web console, and its JSON API under `/api/` (see `console-routes.ts`).
 *
 * With a `token`, every route but the console's static files answers 401 unless the request
 * carries `Authorization: Bearer <token>`.
 */
export class AdminServer {
  private constructor(private readonly server: Server) {}

  static async start(runtime: KeyflowRuntime, port: number, options: AdminServerOptions = {}): Promise<AdminServer> {
    const savepoints = new SavepointJobs(runtime);
    const tokenCheck = options.token === undefined ? undefined : new BearerTokens([options.token]);
    const server = createServer((request, response) => {
      const send = (status: number, body: unknown): void => replyJson(response, status, body);
      const route = `${request.method ?? 'GET'} ${(request.url ?? '/').split('?')[0] ?? '/'}`;
      request.resume();
      if (tokenCheck !== undefined && !isConsoleFile(request) && !tokenCheck.accepts(request)) {
        response.setHeader('WWW-Authenticate', 'Bearer realm="keyflow-admin"');
        send(401, { code: RuntimeErrorCodes.ADMIN_UNAUTHORIZED, message: 'The admin API needs its token: send Authorization: Bearer <token> (keyflow state and keyflow savepoint take --admin-token or KEYFLOW_ADMIN_TOKEN).' });
        return;
      }
      if (serveConsole(runtime, request, response)) return;
      if (serveParkedMessages(runtime, route, response)) return;
      if (route === 'GET /health') {
        const failure = runtime.failure;
        const degraded = runtime.ingresses.flatMap((ingress) => {
          const health = ingress.health?.();
          return health?.status === 'degraded' ? [{ ingress: ingress.id, ...health }] : [];
        });
        if (failure) send(503, { status: 'failed', error: failure.message });
        else if (degraded.length > 0) send(503, { status: 'degraded', ingresses: degraded });
        else send(200, { status: 'ok' });
      } else if (route === 'GET /metrics' || route === 'GET /metrics.json') {
        replyMetrics(runtime, request, response, route === 'GET /metrics.json');
      } else if (route === 'POST /checkpoint') {
        runtime.checkpoint().then(
          (result) => send(200, result),
          (error: unknown) => send(500, { code: 'KF_CHECKPOINT_FAILED', message: (error as Error).message }),
        );
      } else if (route === 'POST /savepoint') {
        savepoints.start().then(
          (job) => send(202, job),
          (error: unknown) => send(500, { code: 'KF_SAVEPOINT_FAILED', message: (error as Error).message }),
        );
      } else if (route.startsWith('GET /savepoints/')) {
        const job = savepoints.get(Number(route.slice('GET /savepoints/'.length)));
        if (job) send(200, job);
        else send(404, { code: RuntimeErrorCodes.ADMIN_NOT_FOUND, message: `No savepoint ${route.slice('GET /savepoints/'.length)}.` });
      } else {
        send(404, { code: RuntimeErrorCodes.ADMIN_NOT_FOUND, message: `No admin route ${route}; try GET /health, GET /metrics, GET /metrics.json, POST /checkpoint, POST /savepoint, GET /messages/parked.` });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => resolve());
    });
    return new AdminServer(server);
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
