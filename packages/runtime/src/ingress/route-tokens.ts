import { readFile, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { KeyflowError, type Logger } from '@keyflow/sdk';
import type { HttpIngressRouteAuth } from '../config/module-config';
import { BearerTokens, MIN_TOKEN_LENGTH } from '../http-server/bearer-tokens';
import { IngressErrorCodes } from './ingress-error-codes';

/** How often a tokens file is checked for changes. */
const FILE_POLL_MS = 1_000;

/**
 * The bearer tokens of one HTTP ingress route, from its `auth`: an environment variable read once
 * at start, or a file read at start and again whenever it changes, so tokens rotate without a
 * restart (add the new one, move the clients, remove the old one). A file that cannot be read
 * later keeps the tokens it had, with a warning; one that reads as no tokens refuses every request.
 */
export class RouteTokens {
  #tokens: BearerTokens;
  readonly #stopWatching: () => void;

  private constructor(tokens: BearerTokens, stopWatching: () => void) {
    this.#tokens = tokens;
    this.#stopWatching = stopWatching;
  }

  static async load(route: string, auth: HttpIngressRouteAuth, logger: Logger): Promise<RouteTokens> {
    const where = `${auth.source.file}:${auth.source.line}`;
    if ('tokensEnv' in auth) {
      const text = process.env[auth.tokensEnv];
      const what = `${where}: route ${route} takes its tokens from $${auth.tokensEnv}`;
      if (text === undefined) throw invalid(`${what}, which is not set: set it to the route's tokens, separated by commas.`);
      return new RouteTokens(checked(parseTokens(text, ','), what), () => undefined);
    }
    const path = auth.tokensFile;
    const what = `${where}: route ${route} takes its tokens from ${path}`;
    const text = await new Promise<string>((resolve, reject) =>
      readFile(path, 'utf8', (error, data) => (error ? reject(invalid(`${what}, which cannot be read (${error.message})`)) : resolve(data))),
    );
    const routeTokens: RouteTokens = new RouteTokens(checked(parseTokens(text, '\n'), what), () => unwatchFile(path, onChange));
    function onChange(current: Stats, previous: Stats): void {
      if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
      readFile(path, 'utf8', (error, data) => {
        if (error) {
          logger.warn('kept the route tokens: their file cannot be read', { route, path, error: error.message });
          return;
        }
        const tokens = parseTokens(data, '\n').filter((token) => token.length >= MIN_TOKEN_LENGTH);
        routeTokens.#tokens = new BearerTokens(tokens);
        logger.info('route tokens read again', { route, path, tokens: tokens.length });
      });
    }
    watchFile(path, { interval: FILE_POLL_MS, persistent: false }, onChange);
    return routeTokens;
  }

  accepts(request: IncomingMessage): boolean {
    return this.#tokens.accepts(request);
  }

  close(): void {
    this.#stopWatching();
  }
}

/** Tokens separated by `separator`, trimmed; empty entries and `#` comment lines left out. */
function parseTokens(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((token) => token.trim())
    .filter((token) => token !== '' && !token.startsWith('#'));
}

function checked(tokens: string[], what: string): BearerTokens {
  if (tokens.length === 0) throw invalid(`${what}, which holds no token: give at least one.`);
  const short = tokens.find((token) => token.length < MIN_TOKEN_LENGTH);
  if (short !== undefined) throw invalid(`${what}; a token there is ${short.length} characters long, give at least ${MIN_TOKEN_LENGTH} (e.g. 'openssl rand -hex 24').`);
  return new BearerTokens(tokens);
}

function invalid(message: string): KeyflowError {
  return new KeyflowError(IngressErrorCodes.AUTH_TOKENS_INVALID, message);
}
