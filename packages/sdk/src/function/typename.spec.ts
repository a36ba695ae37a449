import { SdkErrorCodes, parseTypename } from '@keyflow/sdk';
import { expectThrowsCode } from '../test-support/keyflow-errors';

describe('parseTypename', () => {
  it.each([
    ['example/greeter', 'example', 'greeter'],
    ['io.statefun.types/int', 'io.statefun.types', 'int'],
    ['com.example/fns/greeter', 'com.example/fns', 'greeter'],
    ['type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord', 'type.googleapis.com', 'io.statefun.sdk.egress.KafkaProducerRecord'],
  ])('splits %s at its last slash', (typename, namespace, name) => {
    expect(parseTypename(typename)).toEqual({ namespace, name });
  });

  it.each(['', 'greeter', '/greeter', 'example/', 'exa mple/greeter', 'example/gree\tter', 42, undefined])(
    'rejects %j with KF_INVALID_TYPENAME',
    (typename) => {
      expectThrowsCode(() => parseTypename(typename as never), SdkErrorCodes.INVALID_TYPENAME);
    },
  );

  it('answers a typename seen before with the same frozen parts, and rejects a bad one every time', () => {
    const first = parseTypename('example/remembered');
    expect(parseTypename('example/remembered')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => parseTypename('bad name/x')).toThrow();
    expect(() => parseTypename('bad name/x')).toThrow();
  });
});
