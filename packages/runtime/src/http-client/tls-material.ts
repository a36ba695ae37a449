import { readFileSync } from 'node:fs';
import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { SourceLocation, TlsConfig } from '../config/module-config';

/** The TLS options of an endpoint's connections, with the PEM files already read. */
export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
}

/**
 * Reads the PEM files of a TLS config, once, when the endpoint is built. Throws
 * `KF_MODULE_INVALID` naming the module file when a file cannot be read or only one of
 * `certFile` / `keyFile` is given.
 */
export function loadTlsMaterial(tls: TlsConfig | undefined, source: SourceLocation): TlsMaterial {
  if (tls === undefined) return { rejectUnauthorized: true };
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new KeyflowError(
      RuntimeErrorCodes.MODULE_INVALID,
      `${source.file}:${source.line}: mutual TLS needs both a client certificate and its key; ` +
        `only the ${tls.certFile === undefined ? 'key' : 'certificate'} is given.`,
    );
  }
  return {
    ...(tls.caFile === undefined ? {} : { ca: readPem(tls.caFile, 'CA certificates', source) }),
    ...(tls.certFile === undefined ? {} : { cert: readPem(tls.certFile, 'client certificate', source) }),
    ...(tls.keyFile === undefined ? {} : { key: readPem(tls.keyFile, 'client key', source) }),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

function readPem(file: string, what: string, source: SourceLocation): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.MODULE_INVALID,
      `${source.file}:${source.line}: cannot read the ${what} file ${file} (${(error as Error).message}).`,
      { cause: error },
    );
  }
}
