import { StatefulFunction, Types, ValueSpec, getFunctionMetadata, getValueSpecs, jsonType } from '@keyflow/sdk';
import { FUNCTION_METADATA, VALUE_SPECS_METADATA } from './metadata-keys';

const Profile = jsonType<{ name: string }>('example/Profile');

@StatefulFunction('example/user')
class User {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) visits?: number;
  @ValueSpec({ type: Profile, name: 'profile_v2', expireAfterWrite: 1000 }) profile?: { name: string };
  @ValueSpec({ type: Types.string }) note?: string;
  notState?: string;

  apply(): void {}
}

describe('@StatefulFunction', () => {
  it('records the typename on the class', () => {
    expect(getFunctionMetadata(User)).toEqual({ typename: 'example/user' });
  });

  it('stores it under the shared metadata symbol, not enumerable', () => {
    expect((User as unknown as Record<symbol, unknown>)[FUNCTION_METADATA]).toEqual({ typename: 'example/user' });
    expect(FUNCTION_METADATA).toBe(Symbol.for('keyflow.sdk/function'));
    expect(Object.keys(User)).not.toContain(FUNCTION_METADATA.toString());
  });

  it('does not validate the typename itself: registration does', () => {
    @StatefulFunction('not a typename')
    class Loose {
      apply(): void {}
    }
    expect(getFunctionMetadata(Loose)).toEqual({ typename: 'not a typename' });
  });

  it('gives nothing for an undecorated class or a subclass of a decorated one', () => {
    class Plain {}
    class Sub extends User {}
    expect(getFunctionMetadata(Plain)).toBeUndefined();
    expect(getFunctionMetadata(Sub)).toBeUndefined();
  });
});

describe('@ValueSpec', () => {
  it('records each decorated field in declaration order with its options', () => {
    expect(getValueSpecs(User)).toEqual([
      { property: 'visits', type: Types.int, expireAfterCall: '30m' },
      { property: 'profile', type: Profile, name: 'profile_v2', expireAfterWrite: 1000 },
      { property: 'note', type: Types.string },
    ]);
  });

  it('stores the list under the shared metadata symbol', () => {
    expect((User as unknown as Record<symbol, unknown>)[VALUE_SPECS_METADATA]).toBe(getValueSpecs(User));
    expect(VALUE_SPECS_METADATA).toBe(Symbol.for('keyflow.sdk/value-specs'));
  });

  it('gives an empty list for classes without state, and a subclass spec does not change the base class', () => {
    @StatefulFunction('example/stateless')
    class Stateless {
      apply(): void {}
    }
    class Sub extends User {
      @ValueSpec({ type: Types.bool }) extra?: boolean;
    }
    expect(getValueSpecs(Stateless)).toEqual([]);
    expect(getValueSpecs(Sub).map((spec) => spec.property)).toContain('extra');
    expect(getValueSpecs(User).map((spec) => spec.property)).toEqual(['visits', 'profile', 'note']);
  });

  it('does not make the instance carry state: fields stay undefined on a new instance', () => {
    const user = new User();
    expect(user.visits).toBeUndefined();
    expect(Object.keys(user)).toEqual([]);
  });
});
