import { isKeyflowError } from '@keyflow/sdk';
import { IngressErrorCodes } from './ingress-error-codes';
import { ingressValueBytes } from './ingress-value';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the body to be refused');
}

describe('ingressValueBytes', () => {
  it('refuses a body that is not JSON on a json route with KF_INGRESS_BAD_VALUE', () => {
    for (const body of ['not json', '{"op":', '', "{'op':'add'}"]) {
      const error = refusal(() => ingressValueBytes('example/CartCommand', Buffer.from(body), 'json'));
      expect(isKeyflowError(error, IngressErrorCodes.BAD_VALUE)).toBe(true);
      expect((error as Error).message).toContain('example/CartCommand');
    }
  });

  it('takes JSON on a json route as its bytes, unchanged', () => {
    const body = Buffer.from('{"op":"checkout"}');
    expect(Buffer.from(ingressValueBytes('example/CartCommand', body, 'json')).toString()).toBe('{"op":"checkout"}');
  });

  it('takes any body of a custom type as it is without a format, or with bytes', () => {
    for (const format of [undefined, 'bytes'] as const) {
      expect(Buffer.from(ingressValueBytes('example/Blob', Buffer.from('not json'), format)).toString()).toBe('not json');
    }
  });
});
