import {
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  createRequestHandler,
  serveHttp,
  type Context,
  type FunctionClass,
} from '@keyflow/sdk';
import { FunctionRegistry, PbExpireMode, createBatchHandler } from '@keyflow/sdk/protocol';
import { expectThrowsCode } from '../test-support/keyflow-errors';

// Every check runs when the classes are registered, and the message names the class at fault.
function expectRegistrationError(cls: unknown, code: Parameters<typeof expectThrowsCode>[1], className?: string): void {
  const error = expectThrowsCode(() => createRequestHandler([cls as FunctionClass]), code);
  if (className !== undefined) expect(error.message).toContain(className);
  // The same checks guard every entry point.
  expectThrowsCode(() => createBatchHandler([cls as FunctionClass]), code);
  expectThrowsCode(() => new FunctionRegistry([cls as FunctionClass]), code);
}

describe('registering functions', () => {
  it('accepts valid classes and lists them in registration order', () => {
    @StatefulFunction('test/a')
    class A {
      @ValueSpec({ type: Types.int, expireAfterCall: '1m' }) count?: number;
      apply(): void {}
    }
    @StatefulFunction('other.ns/deep/b')
    class B {
      apply(): void {}
    }
    const registry = new FunctionRegistry([A, B]);
    expect(registry.list().map((d) => [d.typename, d.className])).toEqual([
      ['test/a', 'A'],
      ['other.ns/deep/b', 'B'],
    ]);
    expect(registry.get('test/a')?.states).toEqual([
      {
        kind: 'value',
        name: 'count',
        property: 'count',
        type: Types.int,
        wireSpec: {
          stateName: 'count',
          typeTypename: 'io.statefun.types/int',
          expirationSpec: { mode: PbExpireMode.AFTER_INVOKE, expireAfterMillis: 60_000 },
        },
      },
    ]);
    expect(registry.get('test/missing')).toBeUndefined();
  });

  it.each(['greeter', '/greeter', 'test/', 'te st/greeter', ''])(
    'rejects @StatefulFunction(%j) with KF_INVALID_TYPENAME naming the class',
    (typename) => {
      @StatefulFunction(typename)
      class BadlyNamed {
        apply(): void {}
      }
      expectRegistrationError(BadlyNamed, SdkErrorCodes.INVALID_TYPENAME, 'BadlyNamed');
    },
  );

  it('rejects a class without @StatefulFunction with KF_FUNCTION_INVALID naming the class', () => {
    class Undecorated {
      apply(): void {}
    }
    expectRegistrationError(Undecorated, SdkErrorCodes.FUNCTION_INVALID, 'Undecorated');
  });

  it('rejects a subclass that is not itself decorated', () => {
    @StatefulFunction('test/base')
    class Base {
      apply(): void {}
    }
    class Derived extends Base {}
    expectRegistrationError(Derived, SdkErrorCodes.FUNCTION_INVALID, 'Derived');
  });

  it('rejects a class without an apply method with KF_FUNCTION_INVALID naming the class', () => {
    @StatefulFunction('test/no-apply')
    class NoApply {
      handle(): void {}
    }
    expectRegistrationError(NoApply, SdkErrorCodes.FUNCTION_INVALID, 'NoApply');
  });

  it.each([
    ['null', null],
    ['a string', 'test/fn'],
    ['a plain object', { apply() {} }],
  ])('rejects %s in place of a class with KF_FUNCTION_INVALID', (_name, value) => {
    expectRegistrationError(value, SdkErrorCodes.FUNCTION_INVALID);
  });

  it('rejects something other than an array with KF_FUNCTION_INVALID', () => {
    @StatefulFunction('test/lonely')
    class Lonely {
      apply(): void {}
    }
    expectThrowsCode(() => createRequestHandler(Lonely as never), SdkErrorCodes.FUNCTION_INVALID);
  });

  it('rejects two classes with one typename with KF_DUPLICATE_FUNCTION naming both', () => {
    @StatefulFunction('test/same')
    class First {
      apply(): void {}
    }
    @StatefulFunction('test/same')
    class Second {
      apply(): void {}
    }
    const error = expectThrowsCode(() => createRequestHandler([First, Second]), SdkErrorCodes.DUPLICATE_FUNCTION);
    expect(error.message).toContain('First');
    expect(error.message).toContain('Second');
  });

  it('rejects two state fields with one wire name (via the name option) with KF_DUPLICATE_STATE', () => {
    @StatefulFunction('test/dup-state')
    class DupState {
      @ValueSpec({ type: Types.int, name: 'shared' }) first?: number;
      @ValueSpec({ type: Types.int, name: 'shared' }) second?: number;
      apply(): void {}
    }
    expectRegistrationError(DupState, SdkErrorCodes.DUPLICATE_STATE, 'DupState');
  });

  it('rejects a name option that collides with another field name with KF_DUPLICATE_STATE', () => {
    @StatefulFunction('test/dup-state')
    class Collides {
      @ValueSpec({ type: Types.int }) count?: number;
      @ValueSpec({ type: Types.int, name: 'count' }) other?: number;
      apply(): void {}
    }
    expectRegistrationError(Collides, SdkErrorCodes.DUPLICATE_STATE, 'Collides');
  });

  it.each([
    ['no type at all', {}],
    ['an undefined type', { type: undefined }],
    ['a type that is not a Type', { type: 'int' }],
  ])('rejects a @ValueSpec with %s with KF_STATE_TYPE_MISSING naming the class', (_name, options) => {
    @StatefulFunction('test/untyped')
    class Untyped {
      @ValueSpec(options as never) count?: number;
      apply(): void {}
    }
    expectRegistrationError(Untyped, SdkErrorCodes.STATE_TYPE_MISSING, 'Untyped');
  });

  it('rejects a @ValueSpec whose type has an invalid typename with KF_INVALID_TYPENAME', () => {
    @StatefulFunction('test/bad-type')
    class BadType {
      @ValueSpec({ type: { typename: 'nonamespace', serialize: () => new Uint8Array(0), deserialize: () => 0 } })
      count?: number;
      apply(): void {}
    }
    expectRegistrationError(BadType, SdkErrorCodes.INVALID_TYPENAME, 'BadType');
  });

  it.each(['1st', 'has-dash', 'has space', 'ünicode', ''])('rejects the state name %j with KF_INVALID_STATE_NAME', (name) => {
    @StatefulFunction('test/bad-state')
    class BadStateName {
      @ValueSpec({ type: Types.int, name }) count?: number;
      apply(): void {}
    }
    expectRegistrationError(BadStateName, SdkErrorCodes.INVALID_STATE_NAME, 'BadStateName');
  });

  it('rejects both expireAfterCall and expireAfterWrite with KF_INVALID_DURATION', () => {
    @StatefulFunction('test/both')
    class Both {
      @ValueSpec({ type: Types.int, expireAfterCall: '1m', expireAfterWrite: '1m' }) count?: number;
      apply(): void {}
    }
    expectRegistrationError(Both, SdkErrorCodes.INVALID_DURATION, 'Both');
  });

  it.each([
    ['expireAfterCall', 'soon'],
    ['expireAfterCall', '5 minutes'],
    ['expireAfterWrite', -5],
    ['expireAfterWrite', Number.NaN],
    ['expireAfterWrite', '1w'],
  ])('rejects %s: %j with KF_INVALID_DURATION naming the class', (option, duration) => {
    @StatefulFunction('test/bad-duration')
    class BadDuration {
      @ValueSpec({ type: Types.int, [option]: duration }) count?: number;
      apply(): void {}
    }
    expectRegistrationError(BadDuration, SdkErrorCodes.INVALID_DURATION, 'BadDuration');
  });

  it('validates in serveHttp too, before listening', () => {
    class Undecorated {
      apply(): void {}
    }
    expectThrowsCode(() => serveHttp([Undecorated], { port: 0 }), SdkErrorCodes.FUNCTION_INVALID);
  });

  it('constructs each class once, at registration', () => {
    let constructed = 0;
    @StatefulFunction('test/counted')
    class Counted {
      constructor() {
        constructed++;
      }
      apply(_ctx: Context): void {}
    }
    const handle = createBatchHandler([Counted]);
    expect(constructed).toBe(1);
    void handle;
  });
});
