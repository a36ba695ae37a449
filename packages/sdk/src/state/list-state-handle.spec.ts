import { SdkErrorCodes, Types } from '@keyflow/sdk';
import {
  LIST_STATE_TYPENAME,
  PbMutationType,
  decodeListStateValue,
  encodeListStateValue,
  type ListStateDefinition,
  type PbStateMutation,
  type PbTypedValue,
} from '@keyflow/sdk/protocol';
import { expectKeyflowError, expectThrowsCode, rejectionOf } from '../test-support/keyflow-errors';
import { ListStateHandle } from './list-state-handle';
import type { ListBacking, ListChanges } from './state-backing';
import { ValueBackedList } from './value-backed-list';

function listState(maxLength?: number): ListStateDefinition {
  return {
    kind: 'list',
    name: 'history',
    property: 'history',
    type: Types.string,
    maxLength,
    wireSpec: { stateName: 'history', typeTypename: LIST_STATE_TYPENAME, expirationSpec: undefined },
  };
}

function storedList(elements: string[]): PbTypedValue {
  return { typename: LIST_STATE_TYPENAME, hasValue: true, value: encodeListStateValue(Types.string.typename, elements.map((e) => Types.string.serialize(e))) };
}

function valueList(elements: string[] | undefined, maxLength?: number): ListStateHandle<string> {
  const state = listState(maxLength);
  return new ListStateHandle<string>(state, new ValueBackedList(state, elements ? storedList(elements) : undefined));
}

/** The list a MODIFY mutation stores. */
function storedBy(mutations: PbStateMutation[]): string[] {
  expect(mutations).toHaveLength(1);
  const [mutation] = mutations;
  expect(mutation?.mutationType).toBe(PbMutationType.MODIFY);
  expect(mutation?.stateValue?.typename).toBe(LIST_STATE_TYPENAME);
  const decoded = decodeListStateValue(mutation?.stateValue?.value ?? new Uint8Array(0));
  expect(decoded.elementTypename).toBe(Types.string.typename);
  return decoded.elements.map((bytes) => Types.string.deserialize(bytes));
}

describe('ListStateHandle over a value-backed list', () => {
  it('reads stored elements, appends after them, and stores the whole list', async () => {
    const list = valueList(['a', 'b']);
    expect(list.length).toBe(2);
    list.append('c');
    list.appendAll(['d', 'e']);
    list.appendAll(new Set(['f']));
    expect(list.length).toBe(6);
    expect(await list.get(0)).toBe('a');
    expect(await list.get(4)).toBe('e');
    expect(await list.get(6)).toBeUndefined();
    expect(await list.toArray()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(storedBy(list.persist())).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('replaceAll and clear drop the stored elements; an emptied list is deleted', async () => {
    const replaced = valueList(['a', 'b']);
    replaced.replaceAll(['x']);
    replaced.append('y');
    expect(await replaced.toArray()).toEqual(['x', 'y']);
    expect(await replaced.get(1)).toBe('y');
    expect(storedBy(replaced.persist())).toEqual(['x', 'y']);

    const cleared = valueList(['a']);
    cleared.clear();
    expect(cleared.length).toBe(0);
    expect(await cleared.get(0)).toBeUndefined();
    expect(cleared.persist()).toEqual([{ mutationType: PbMutationType.DELETE, stateName: 'history', stateValue: undefined }]);
  });

  it('stores nothing when only read', async () => {
    const list = valueList(['a']);
    await list.toArray();
    await list.get(0);
    expect(list.persist()).toEqual([]);
  });

  it('maxLength: an append past it throws KF_LIST_TOO_LONG and changes nothing, all or none', async () => {
    const list = valueList(['a', 'b'], 3);
    list.append('c');
    expectThrowsCode(() => list.append('d'), SdkErrorCodes.LIST_TOO_LONG);
    expect(list.length).toBe(3);
    list.clear();
    list.append('x');
    expectThrowsCode(() => list.appendAll(['y', 'z', 'w']), SdkErrorCodes.LIST_TOO_LONG);
    expect(await list.toArray()).toEqual(['x']);
    expectThrowsCode(() => list.replaceAll(['1', '2', '3', '4']), SdkErrorCodes.LIST_TOO_LONG);
    expect(await list.toArray()).toEqual(['x']);
    list.replaceAll(['1', '2', '3']);
    expect(storedBy(list.persist())).toEqual(['1', '2', '3']);
  });

  it('refuses bad indexes and elements with KF_INVALID_STATE_ACCESS, serialization failures with KF_SERIALIZATION_FAILED', async () => {
    const list = valueList(['a']);
    expectKeyflowError(await rejectionOf(list.get(-1)), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectKeyflowError(await rejectionOf(list.get(0.5)), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => list.append(undefined as never), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => list.appendAll(['ok', null as never]), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => list.appendAll(42 as never), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => list.append(7 as never), SdkErrorCodes.SERIALIZATION_FAILED);
    expect(await list.toArray()).toEqual(['a']);
    expect(list.persist()).toEqual([]);
  });

  it('names a stored value of another kind or element type with KF_TYPE_MISMATCH', async () => {
    const state = listState();
    const asValue = new ListStateHandle<string>(state, new ValueBackedList(state, { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('a') }));
    expectThrowsCode(() => asValue.length, SdkErrorCodes.TYPE_MISMATCH);
    const ints = new ListStateHandle<string>(state, new ValueBackedList(state, { typename: LIST_STATE_TYPENAME, hasValue: true, value: encodeListStateValue(Types.int.typename, [Types.int.serialize(1)]) }));
    expectKeyflowError(await rejectionOf(ints.toArray()), SdkErrorCodes.TYPE_MISMATCH);
  });
});

/** A backing that knows its length and reads elements later, as an entry-backed list would. */
class AsyncBacking implements ListBacking {
  readonly reads: number[] = [];
  persisted: ListChanges | undefined;

  constructor(private readonly elements: string[]) {}

  get length(): number {
    return this.elements.length;
  }

  async read(index: number): Promise<Uint8Array | undefined> {
    this.reads.push(index);
    await new Promise((resolve) => setImmediate(resolve));
    const element = this.elements[index];
    return element === undefined ? undefined : Types.string.serialize(element);
  }

  async *scan(): AsyncIterable<Uint8Array> {
    for (const element of this.elements) yield Types.string.serialize(element);
  }

  persist(changes: ListChanges): PbStateMutation[] {
    this.persisted = changes;
    return [];
  }
}

describe('ListStateHandle over a backing that reads on demand', () => {
  it('appends without reading the stored elements and reads only the ones asked for', async () => {
    const backing = new AsyncBacking(['a', 'b', 'c']);
    const list = new ListStateHandle<string>(listState(4), backing);
    list.append('d');
    expectThrowsCode(() => list.append('e'), SdkErrorCodes.LIST_TOO_LONG);
    expect(await list.get(1)).toBe('b');
    expect(await list.get(3)).toBe('d');
    expect(backing.reads).toEqual([1]);
    expect(await list.toArray()).toEqual(['a', 'b', 'c', 'd']);
    list.persist();
    expect(backing.persisted?.cleared).toBe(false);
    expect(backing.persisted?.appended.map((bytes) => Types.string.deserialize(bytes))).toEqual(['d']);
  });
});
