import type { SpecReader } from '../spec-reader';

/** The one placeholder StateFun fills in: the function's name, the part after the last `/`. */
const FUNCTION_NAME = '{function.name}';
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const URL_EXPECTED =
  "an http://, https://, http+unix:// or https+unix:// URL, e.g. 'http://functions:8000/statefun' or 'http+unix:///run/fns.sock/statefun'";
const UNIX_EXPECTED =
  "http+unix://<path of a socket file ending in .sock>/<url path>, e.g. 'http+unix:///run/fns.sock/statefun'";

/** A checked URL template, and whether TLS applies to it (https schemes). */
export interface UrlPathTemplate {
  readonly template: string;
  readonly secure: boolean;
}

/**
 * Reads `spec.urlPathTemplate`: an `http`, `https`, `http+unix` or `https+unix` URL that may
 * contain `{function.name}`. A Unix socket URL names its socket as the first path segment
 * ending in `.sock` (`http+unix:///run/fns.sock/statefun`), as StateFun does; Keyflow also
 * accepts a socket path relative to the module file (`http+unix://./run/fns.sock/statefun`)
 * and rewrites it to the absolute form.
 */
export function readUrlPathTemplate(spec: SpecReader): UrlPathTemplate {
  const template = spec.string('urlPathTemplate', { expected: URL_EXPECTED });
  if (template === '') return { template, secure: false };
  const unknown = /\{[^}]*\}/.exec(template.replaceAll(FUNCTION_NAME, ''));
  if (unknown) {
    spec.error('urlPathTemplate', `only the placeholder ${FUNCTION_NAME}`, `is ${JSON.stringify(template)}, which has the unknown placeholder ${unknown[0]}`);
    return { template, secure: false };
  }
  const scheme = SCHEME.exec(template)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    if (!isNetworkUrl(template)) spec.error('urlPathTemplate', URL_EXPECTED);
    return { template, secure: scheme === 'https' };
  }
  if (scheme === 'http+unix' || scheme === 'https+unix') {
    const resolved = resolveSocketUrl(template, scheme, spec);
    if (resolved === undefined) spec.error('urlPathTemplate', UNIX_EXPECTED);
    return { template: resolved ?? template, secure: scheme === 'https+unix' };
  }
  spec.error('urlPathTemplate', URL_EXPECTED);
  return { template, secure: false };
}

function isNetworkUrl(template: string): boolean {
  try {
    return new URL(template.replaceAll(FUNCTION_NAME, 'fn')).hostname.length > 0;
  } catch {
    return false;
  }
}

function resolveSocketUrl(template: string, scheme: string, spec: SpecReader): string | undefined {
  const rest = template.slice(scheme.length + '://'.length);
  const segments = rest.split('/');
  const socketIndex = segments.findIndex((segment) => segment.endsWith('.sock'));
  if (socketIndex < 0 || /\s/.test(rest)) return undefined;
  if (rest.startsWith('/')) return template;
  const socketPath = spec.resolvePath(segments.slice(0, socketIndex + 1).join('/'));
  const urlPath = segments.slice(socketIndex + 1).join('/');
  return `${scheme}://${socketPath}/${urlPath}`;
}
