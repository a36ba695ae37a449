import { failureOfNetworkError, isTransientStatus } from './attempt-failure';

describe('isTransientStatus', () => {
  test('408, 429 and 5xx are retried; other 4xx are not', () => {
    expect([408, 429, 500, 502, 503, 504].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 405, 413, 422].some(isTransientStatus)).toBe(false);
  });
});

describe('failureOfNetworkError', () => {
  const withCode = (code: string, message: string): Error => Object.assign(new Error(message), { code });

  test('connection failures are transient and keep their code', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT']) {
      const failure = failureOfNetworkError(withCode(code, 'boom'));
      expect(failure).toMatchObject({ kind: 'network', transient: true });
      expect(failure.message).toContain(code);
    }
  });

  test('certificate and TLS handshake failures are final', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
      expect(failureOfNetworkError(withCode(code, 'bad cert'))).toMatchObject({ kind: 'tls', transient: false });
    }
  });
});
