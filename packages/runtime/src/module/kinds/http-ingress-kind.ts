import type { HttpIngressConfig, HttpIngressRoute, HttpIngressRouteAuth, HttpIngressRouteFormat, SourceLocation } from '../../config/module-config';
import { HttpIngress, MAX_REPLY_WAIT_MS } from '../../ingress/http-ingress';
import type { SpecReader } from '../spec-reader';
import type { IngressKind } from './kind';
import { ModuleKinds } from './module-kinds';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_REPLY_RETENTION_MS = 5 * 60_000;
const DEFAULT_MAX_KEPT_REPLIES = 100_000;
const ROUTE_PATH = /^\/[^\s?#]*$/;
const ROUTE_FORMATS: readonly HttpIngressRouteFormat[] = ['json', 'bytes'];
const PATH_EXPECTED = "a URL path starting with '/', without spaces, '?' or '#', e.g. '/greet'";

/**
 * `io.keyflow.http.v1/ingress`: `POST <route path>/<id>` delivers the body, typed as
 * `valueType`, to the function `<target>/<id>` of each target.
 *
 * ```yaml
 * kind: io.keyflow.http.v1/ingress
 * spec:
 *   id: example/http-in
 *   host: 0.0.0.0                        # optional, default 127.0.0.1
 *   port: 8090
 *   routes:
 *     - path: /greet
 *       valueType: io.statefun.types/string
 *       targets: [example/greeter]
 *     - path: /cart
 *       valueType: example/CartCommand
 *       format: json                     # optional: refuse a body that is not JSON with 400
 *       targets: [example/cart]
 *       auth:                            # optional: requests need Authorization: Bearer <token>
 *         tokensEnv: CART_TOKENS         # comma-separated tokens; or tokensFile: ./cart.tokens
 *       waitForReply: 5s                 # optional: answer with the function's reply (as Prefer: wait=5)
 *   idempotencyWindow: 24h               # optional
 *   maxBodyBytes: 4194304                # optional
 *   replyRetention: 5m                   # optional: how long replies are kept for polling and retries
 *   maxKeptReplies: 100000               # optional: how many at most (the oldest go first)
 * ```
 */
export function parseHttpIngress(spec: SpecReader, source: SourceLocation): HttpIngressConfig {
  return {
    kind: 'http-ingress',
    source,
    id: spec.typename('id'),
    host: spec.optionalString('host', { expected: "a host name or IP address to listen on, e.g. '0.0.0.0'" }) ?? DEFAULT_HOST,
    port: spec.int('port', { min: 1, max: 65_535 }),
    routes: readRoutes(spec),
    idempotencyWindowMs: spec.optionalDuration('idempotencyWindow', { min: 0 }) ?? DEFAULT_IDEMPOTENCY_WINDOW_MS,
    maxBodyBytes: spec.optionalInt('maxBodyBytes', { min: 1 }) ?? DEFAULT_MAX_BODY_BYTES,
    replyRetentionMs: spec.optionalDuration('replyRetention', { min: 1000 }) ?? DEFAULT_REPLY_RETENTION_MS,
    maxKeptReplies: spec.optionalInt('maxKeptReplies', { min: 1 }) ?? DEFAULT_MAX_KEPT_REPLIES,
  };
}

/** The HTTP ingress kind. */
export const httpIngressKind: IngressKind<HttpIngressConfig> = {
  name: ModuleKinds.HTTP_INGRESS,
  role: 'ingress',
  readSpec: parseHttpIngress,
  create: (config) => new HttpIngress(config),
};

function readRoutes(spec: SpecReader): HttpIngressRoute[] {
  const seen = new Map<string, number>();
  return spec.list('routes', { nonEmpty: true }).map((route) => {
    const path = route.string('path', { expected: PATH_EXPECTED });
    if (path !== '' && !ROUTE_PATH.test(path)) {
      route.error('path', PATH_EXPECTED);
    }
    const firstLine = seen.get(path);
    if (firstLine !== undefined) {
      route.error('path', 'each route path once per ingress', `${JSON.stringify(path)} is already routed at line ${firstLine}`);
    } else if (path !== '') seen.set(path, route.location('path').line);
    const format = route.optionalEnumOf('format', ROUTE_FORMATS);
    const auth = readAuth(route);
    const waitForReplyMs = route.optionalDuration('waitForReply', { min: 1, max: MAX_REPLY_WAIT_MS });
    return {
      path,
      valueType: route.typename('valueType'),
      targets: route.typenameList('targets', { nonEmpty: true }),
      ...(format === undefined ? {} : { format }),
      ...(auth === undefined ? {} : { auth }),
      ...(waitForReplyMs === undefined ? {} : { waitForReplyMs }),
    };
  });
}

const AUTH_EXPECTED = "exactly one of tokensEnv (an environment variable's name) or tokensFile (a file of tokens, one per line)";

function readAuth(route: SpecReader): HttpIngressRouteAuth | undefined {
  const auth = route.optionalObject('auth');
  if (auth === undefined) return undefined;
  const { file, line } = route.location('auth');
  const source = { file, line };
  const tokensEnv = auth.optionalString('tokensEnv', { expected: "an environment variable's name, e.g. 'ORDERS_TOKENS'" });
  const tokensFile = auth.optionalFilePath('tokensFile');
  if ((tokensEnv === undefined) === (tokensFile === undefined)) {
    auth.error(undefined, AUTH_EXPECTED, tokensEnv === undefined ? 'neither' : 'both');
    return undefined;
  }
  return tokensEnv !== undefined ? { tokensEnv, source } : { tokensFile: tokensFile as string, source };
}
