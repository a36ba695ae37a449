// Endpoint URLs as StateFun reads them. `{function.name}` is replaced by the name part of the
// function's typename (StateFun's UrlPathTemplate: `template.replace("{function.name}",
// functionType.name())`). Unix sockets use `http+unix:///<path ending in .sock>/<request path>`:
// the socket is everything up to the first path segment that ends in `.sock` (StateFun's
// UnixDomainHttpEndpoint), the rest is the request path, `/` when there is none.

/** The placeholder of a `urlPathTemplate` that StateFun expands. */
export const FUNCTION_NAME_PLACEHOLDER = '{function.name}';

/** Where the requests of one function go: the parsed form of an expanded `urlPathTemplate`. */
export interface EndpointUrl {
  /** The URL as written, after templating: for logs and errors. */
  readonly href: string;
  /** True for `https://` and `https+unix://`. */
  readonly tls: boolean;
  /** The server's host name or IP (no brackets); `localhost` for a Unix socket. */
  readonly hostname: string;
  readonly port: number;
  /** The Unix socket to connect to, or undefined for TCP. */
  readonly socketPath: string | undefined;
  /** The request path with its query string, e.g. `/statefun?x=1`. */
  readonly path: string;
}

const SOCKET_SUFFIX = '.sock';

/**
 * The URL for one function: every `{function.name}` in `template` replaced by `functionName`
 * (the part of the typename after its last `/`).
 *
 * @example
 * expandUrlTemplate('http://fns:8000/{function.name}', 'greeter') // 'http://fns:8000/greeter'
 */
export function expandUrlTemplate(template: string, functionName: string): string {
  return template.replaceAll(FUNCTION_NAME_PLACEHOLDER, functionName);
}

/**
 * Parses an endpoint URL: `http://`, `https://`, `http+unix://` or `https+unix://`.
 * Throws an `Error` saying what is wrong with it; callers wrap it with their context.
 *
 * @example
 * parseEndpointUrl('http+unix:///run/fns.sock/statefun')
 * // { socketPath: '/run/fns.sock', path: '/statefun', tls: false, … }
 */
export function parseEndpointUrl(href: string): EndpointUrl {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(href)?.[1]?.toLowerCase();
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new Error(`'${href}' is not a valid URL`);
  }
  switch (scheme) {
    case 'http':
    case 'https':
      return tcpUrl(href, url, scheme === 'https');
    case 'http+unix':
    case 'https+unix':
      return unixUrl(href, url, scheme === 'https+unix');
    default:
      throw new Error(
        `'${href}' has an unsupported scheme: use http://, https://, http+unix:// or https+unix://`,
      );
  }
}

function tcpUrl(href: string, url: URL, tls: boolean): EndpointUrl {
  if (url.hostname === '') throw new Error(`'${href}' has no host`);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  return { href, tls, hostname, port, socketPath: undefined, path: `${url.pathname || '/'}${url.search}` };
}

function unixUrl(href: string, url: URL, tls: boolean): EndpointUrl {
  if (url.host !== '') {
    throw new Error(
      `'${href}' names a host; a Unix socket URL is http+unix://<absolute path ending in .sock>/<request path>, ` +
        `e.g. http+unix:///run/functions.sock/statefun`,
    );
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const socketIndex = segments.findIndex((segment) => decodeURIComponent(segment).endsWith(SOCKET_SUFFIX));
  if (socketIndex < 0) {
    throw new Error(
      `'${href}' names no socket file: the socket path must end in .sock, e.g. http+unix:///run/functions.sock/statefun`,
    );
  }
  const socketPath = `/${segments.slice(0, socketIndex + 1).map(decodeURIComponent).join('/')}`;
  const path = `/${segments.slice(socketIndex + 1).join('/')}${url.search}`;
  return { href, tls, hostname: 'localhost', port: tls ? 443 : 80, socketPath, path };
}
