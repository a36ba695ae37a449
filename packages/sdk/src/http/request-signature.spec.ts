import { SdkErrorCodes } from '../errors/error-codes';
import { createRequestHandler } from '../handler/request-handler';
import { createHttpRequestListener } from './request-listener';
import { signRequestBody, signatureProblem } from './request-signature';

const body = new TextEncoder().encode('the ToFunction bytes');
const KEYS = { k1: 'first-signing-secret-0123', k2: 'second-signing-secret-0123' };
const NOW = 1_800_000_000_000;

describe('request signatures', () => {
  it('accepts a body signed with any of the keys, at a time near the clock', () => {
    expect(signatureProblem(signRequestBody(body, { id: 'k1', secret: KEYS.k1 }, NOW), body, KEYS, NOW)).toBeUndefined();
    expect(signatureProblem(signRequestBody(body, { id: 'k2', secret: KEYS.k2 }, NOW - 60_000), body, KEYS, NOW)).toBeUndefined();
  });

  it('says why it refuses: no header, malformed, unknown key, stale or early, another body or secret', () => {
    const signed = signRequestBody(body, { id: 'k1', secret: KEYS.k1 }, NOW);
    expect(signatureProblem(undefined, body, KEYS, NOW)).toContain('no Keyflow-Signature header');
    expect(signatureProblem('t=soon,k=k1', body, KEYS, NOW)).toContain('malformed');
    expect(signatureProblem(signRequestBody(body, { id: 'k3', secret: KEYS.k1 }, NOW), body, KEYS, NOW)).toContain("key 'k3'");
    expect(signatureProblem(signed, body, KEYS, NOW + 6 * 60_000)).toContain('360 s from');
    expect(signatureProblem(signed, body, KEYS, NOW - 6 * 60_000)).toContain('360 s from');
    expect(signatureProblem(signed, new TextEncoder().encode('other bytes'), KEYS, NOW)).toContain('does not match');
    expect(signatureProblem(signRequestBody(body, { id: 'k1', secret: KEYS.k2 }, NOW), body, KEYS, NOW)).toContain('does not match');
    expect(signatureProblem(signed.replace(`t=${NOW}`, `t=${NOW + 1}`), body, KEYS, NOW)).toContain('does not match');
    expect(signatureProblem(signRequestBody(body, { id: 'toString', secret: 'x' }, NOW), body, KEYS, NOW)).toContain("key 'toString'");
  });
});

describe('serveHttp with signatureKeys', () => {
  it('refuses keys that cannot be safe at once, before serving anything', () => {
    const listen = (signatureKeys: Record<string, string>) => () => createHttpRequestListener(createRequestHandler([]), { signatureKeys });
    expect(listen({})).toThrow(SdkErrorCodes.SIGNING_KEY_INVALID);
    expect(listen({ k1: 'short' })).toThrow('shorter than 16 characters');
    expect(listen({ 'k,1': 'long-enough-secret-0123' })).toThrow("has a comma, '=' or space");
  });
});
