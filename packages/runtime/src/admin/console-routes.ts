import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { replyJson } from '../http-server/json-reply';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { KeyflowRuntime } from '../runtime/keyflow-runtime';
import { consoleOverview } from './console-overview';

/** The console's files: `console/` of the package, next to `src/` and `dist/`. */
const CONSOLE_DIR = join(__dirname, '..', '..', 'console');
const FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};
/** True for the console's static files, which hold no data (the page asks for the admin token itself). */
export function isConsoleFile(request: IncomingMessage): boolean {
  return request.method === 'GET' && FILES[new URL(request.url ?? '/', 'http://admin').pathname] !== undefined;
}

/** The most ids `GET /api/addresses` answers in one page. */
const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;

/**
 * The web console on the admin port: its static files (`GET /`), the dashboard's document
 * (`GET /api/overview`), one address (`GET /api/address?type=<ns>/<type>&id=<id>`) and a
 * function type's addresses (`GET /api/addresses?type=<ns>/<type>&after=<id>&limit=<n>`).
 * Answers and returns true for its routes; false for any other.
 */
export function serveConsole(runtime: KeyflowRuntime, request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET') return false;
  const url = new URL(request.url ?? '/', 'http://admin');
  const file = FILES[url.pathname];
  if (file !== undefined) {
    readFile(join(CONSOLE_DIR, file.file)).then(
      (body) => {
        response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
        response.end(body);
      },
      (error: unknown) =>
        replyJson(response, 500, {
          code: RuntimeErrorCodes.CONSOLE_MISSING,
          message: `The console's files are missing from ${CONSOLE_DIR} (${(error as Error).message}); reinstall @keyflow/runtime.`,
        }),
    );
    return true;
  }
  if (url.pathname === '/api/overview') {
    const overview = consoleOverview(runtime);
    if (overview === undefined) replyJson(response, 404, { code: RuntimeErrorCodes.METRICS_OFF, message: 'This runtime was started with metrics: false, so the console has no activity to show; start it without that option.' });
    else replyJson(response, 200, overview);
    return true;
  }
  if (url.pathname === '/api/address' || url.pathname === '/api/addresses') {
    const type = url.searchParams.get('type') ?? '';
    const slash = type.lastIndexOf('/');
    if (slash <= 0 || slash === type.length - 1) {
      replyJson(response, 400, { code: RuntimeErrorCodes.CONSOLE_BAD_REQUEST, message: `type=${JSON.stringify(type)} is not a function type: give it as <namespace>/<type>, e.g. type=example/greeter.` });
      return true;
    }
    const reply = (promise: Promise<unknown>): void => {
      promise.then(
        (body) => replyJson(response, 200, body),
        (error: unknown) => replyJson(response, 500, { code: (error as { code?: string }).code ?? RuntimeErrorCodes.STATE_BACKEND_FAILED, message: (error as Error).message }),
      );
    };
    if (url.pathname === '/api/addresses') {
      const limit = Math.min(MAX_PAGE, Math.max(1, Number(url.searchParams.get('limit') ?? DEFAULT_PAGE) || DEFAULT_PAGE));
      reply(runtime.inspector.list(type, url.searchParams.get('after') ?? undefined, limit));
      return true;
    }
    const id = url.searchParams.get('id');
    if (id === null) {
      replyJson(response, 400, { code: RuntimeErrorCodes.CONSOLE_BAD_REQUEST, message: 'id is missing: give the address as type=<namespace>/<type>&id=<id>.' });
      return true;
    }
    reply(runtime.inspector.lookup({ namespace: type.slice(0, slash), type: type.slice(slash + 1), id }));
    return true;
  }
  return false;
}
