import type { TlsConfig } from '../../config/module-config';
import type { SpecReader } from '../spec-reader';

/** One TLS file setting in its two spellings: StateFun's async transport key and Keyflow's `tls` key. */
interface TlsFileKey {
  readonly stateFun: string;
  readonly keyflow: string;
}

const CA: TlsFileKey = { stateFun: 'trust_cacerts', keyflow: 'ca' };
const CERT: TlsFileKey = { stateFun: 'client_cert', keyflow: 'cert' };
const KEY: TlsFileKey = { stateFun: 'client_key', keyflow: 'key' };

/**
 * Reads the TLS settings of a `transport` block, in either spelling: StateFun's async
 * transport keys (`trust_cacerts`, `client_cert`, `client_key`) or Keyflow's
 * `tls: { ca, cert, key, rejectUnauthorized }`. Undefined when neither is present.
 * `secure` says whether the endpoint URL uses TLS at all (https, https+unix).
 */
export function readTlsConfig(transport: SpecReader, secure: boolean): TlsConfig | undefined {
  const tls = transport.optionalObject('tls');
  const caFile = readTlsFile(transport, tls, CA);
  const certFile = readTlsFile(transport, tls, CERT);
  const keyFile = readTlsFile(transport, tls, KEY);
  const rejectUnauthorized = tls?.optionalBoolean('rejectUnauthorized');
  if (transport.has('client_key_password')) {
    transport.error(
      'client_key_password',
      'an unencrypted PKCS8 key in client_key (remove client_key_password)',
      'is not supported by Keyflow yet',
    );
  }
  if (tls === undefined && caFile === undefined && certFile === undefined && keyFile === undefined) return undefined;

  if (!secure) {
    const [reader, key] = tls !== undefined ? [transport, 'tls'] : whereIs(transport, tls, [CA, CERT, KEY]);
    reader.error(key, 'an https:// or https+unix:// urlPathTemplate for TLS settings to apply', 'is set but the endpoint URL is not https');
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const [present, missing] = certFile === undefined ? [KEY, 'client certificate'] : [CERT, 'client key'];
    const [reader, key] = whereIs(transport, tls, [present]);
    reader.error(key, 'both a client certificate and its key for mutual TLS', `is set without a ${missing}`);
  }
  return {
    ...(caFile === undefined ? {} : { caFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
    rejectUnauthorized: rejectUnauthorized ?? true,
  };
}

function readTlsFile(transport: SpecReader, tls: SpecReader | undefined, key: TlsFileKey): string | undefined {
  const stateFun = transport.optionalFilePath(key.stateFun);
  const keyflow = tls?.optionalFilePath(key.keyflow);
  if (stateFun !== undefined && keyflow !== undefined) {
    transport.error(key.stateFun, `either ${key.stateFun} or tls.${key.keyflow}, not both`, `is set twice (also as tls.${key.keyflow})`);
  }
  return keyflow ?? stateFun;
}

/** The reader and key of the first of `keys` that is set, for pointing a problem at it. */
function whereIs(transport: SpecReader, tls: SpecReader | undefined, keys: readonly TlsFileKey[]): [SpecReader, string] {
  for (const key of keys) {
    if (tls?.has(key.keyflow) === true) return [tls, key.keyflow];
    if (transport.has(key.stateFun)) return [transport, key.stateFun];
  }
  return [transport, 'tls'];
}
