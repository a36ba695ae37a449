import {
  ListSpec,
  MapSpec,
  SdkErrorCodes,
  StatefulFunction,
  Types,
  ValueSpec,
  createRequestHandler,
  getCollectionSpecs,
  jsonType,
  type Context,
  type FunctionClass,
  type ListState,
  type MapState,
} from '@keyflow/sdk';
import { FunctionRegistry } from '@keyflow/sdk/protocol';
import { expectThrowsCode } from '../test-support/keyflow-errors';
import { COLLECTION_SPECS_METADATA } from './metadata-keys';

interface Line {
  readonly sku: string;
  readonly quantity: number;
}
const LineType = jsonType<Line>('example/CartLine');

@StatefulFunction('example/cart')
class Cart {
  @MapSpec({ value: LineType, expireAfterWrite: '30d' }) lines?: MapState<Line>;
  @ListSpec({ type: Types.string, maxLength: 1000, name: 'events' }) history?: ListState<string>;
  @ValueSpec({ type: Types.int }) version?: number;

  apply(ctx: Context<Cart>): void {
    ctx.storage.lines.set('a', { sku: 'a', quantity: 1 });
    ctx.storage.history.append('added a');
    ctx.storage.version = 1;
    // @ts-expect-error a map of lines does not take a number
    ctx.storage.lines.set('b', 2);
    // @ts-expect-error a list of strings does not take a line
    ctx.storage.history.append({ sku: 'a', quantity: 1 });
    // @ts-expect-error collection fields are read-only
    ctx.storage.lines = undefined;
    // @ts-expect-error a misspelled state name
    void ctx.storage.line;
  }
}

// A field type that does not match the decorator's value type does not compile.
export class Mismatched {
  // @ts-expect-error MapState<string> is not a map of numbers
  @MapSpec({ value: Types.int }) counts?: MapState<string>;
  // @ts-expect-error a list spec on a map field
  @ListSpec({ type: Types.int }) other?: MapState<number>;
}

describe('@MapSpec and @ListSpec', () => {
  it('record each decorated field in declaration order with its kind and options', () => {
    expect(getCollectionSpecs(Cart)).toEqual([
      { kind: 'map', property: 'lines', value: LineType, expireAfterWrite: '30d' },
      { kind: 'list', property: 'history', type: Types.string, maxLength: 1000, name: 'events' },
    ]);
    expect((Cart as unknown as Record<symbol, unknown>)[COLLECTION_SPECS_METADATA]).toBe(getCollectionSpecs(Cart));
    expect(COLLECTION_SPECS_METADATA).toBe(Symbol.for('keyflow.sdk/collection-specs'));
  });

  it('register as states next to the values, under their wire names', () => {
    const definition = new FunctionRegistry([Cart]).get('example/cart');
    expect(definition?.states.map((s) => [s.kind, s.name, s.property])).toEqual([
      ['value', 'version', 'version'],
      ['map', 'lines', 'lines'],
      ['list', 'events', 'history'],
    ]);
  });
});

describe('registering list and map state', () => {
  function expectRegistrationError(cls: unknown, code: Parameters<typeof expectThrowsCode>[1], className: string): void {
    const error = expectThrowsCode(() => createRequestHandler([cls as FunctionClass]), code);
    expect(error.message).toContain(className);
  }

  it.each([
    ['no value type', {}],
    ['an undefined value type', { value: undefined }],
    ['a type option instead of value', { type: Types.int }],
  ])('rejects a @MapSpec with %s with KF_STATE_TYPE_MISSING', (_name, options) => {
    @StatefulFunction('test/untyped')
    class UntypedMap {
      @MapSpec(options as never) counts?: MapState<number>;
      apply(): void {}
    }
    expectRegistrationError(UntypedMap, SdkErrorCodes.STATE_TYPE_MISSING, 'UntypedMap.counts');
  });

  it('rejects a @ListSpec without a type with KF_STATE_TYPE_MISSING', () => {
    @StatefulFunction('test/untyped')
    class UntypedList {
      @ListSpec({} as never) events?: ListState<string>;
      apply(): void {}
    }
    expectRegistrationError(UntypedList, SdkErrorCodes.STATE_TYPE_MISSING, 'UntypedList.events');
  });

  it('rejects a name used by a value and a map, or by a list and a map, with KF_DUPLICATE_STATE', () => {
    @StatefulFunction('test/dup')
    class ValueAndMap {
      @ValueSpec({ type: Types.int }) lines?: number;
      @MapSpec({ value: Types.int, name: 'lines' }) counts?: MapState<number>;
      apply(): void {}
    }
    expectRegistrationError(ValueAndMap, SdkErrorCodes.DUPLICATE_STATE, 'ValueAndMap');
    @StatefulFunction('test/dup')
    class ListAndMap {
      @ListSpec({ type: Types.int, name: 'same' }) events?: ListState<number>;
      @MapSpec({ value: Types.int, name: 'same' }) counts?: MapState<number>;
      apply(): void {}
    }
    expectRegistrationError(ListAndMap, SdkErrorCodes.DUPLICATE_STATE, 'ListAndMap');
  });

  it.each([0, -1, 1.5, Number.NaN, '10'])('rejects maxLength %j with KF_STATE_OPTION_INVALID', (maxLength) => {
    @StatefulFunction('test/max')
    class BadMax {
      @ListSpec({ type: Types.int, maxLength: maxLength as number }) events?: ListState<number>;
      apply(): void {}
    }
    expectRegistrationError(BadMax, SdkErrorCodes.STATE_OPTION_INVALID, 'BadMax.events');
  });

  it('rejects two expiries and bad durations with KF_INVALID_DURATION, and bad names with KF_INVALID_STATE_NAME', () => {
    @StatefulFunction('test/ttl')
    class BothTtls {
      @MapSpec({ value: Types.int, expireAfterWrite: '1m', expireAfterAccess: '1m' }) counts?: MapState<number>;
      apply(): void {}
    }
    expectRegistrationError(BothTtls, SdkErrorCodes.INVALID_DURATION, 'BothTtls.counts');
    @StatefulFunction('test/ttl')
    class BadTtl {
      @ListSpec({ type: Types.int, expireAfterWrite: 'soon' as never }) events?: ListState<number>;
      apply(): void {}
    }
    expectRegistrationError(BadTtl, SdkErrorCodes.INVALID_DURATION, 'BadTtl.events');
    @StatefulFunction('test/name')
    class BadName {
      @MapSpec({ value: Types.int, name: 'has-dash' }) counts?: MapState<number>;
      apply(): void {}
    }
    expectRegistrationError(BadName, SdkErrorCodes.INVALID_STATE_NAME, 'BadName.counts');
  });
});
