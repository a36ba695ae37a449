import { SdkErrorCodes, Types, jsonType } from '@keyflow/sdk';
import {
  MAP_STATE_TYPENAME,
  PbMutationType,
  decodeMapStateValue,
  encodeMapStateValue,
  type MapStateDefinition,
  type PbStateMutation,
  type PbTypedValue,
  type StoredMapEntry,
} from '@keyflow/sdk/protocol';
import { expectKeyflowError, expectThrowsCode, rejectionOf } from '../test-support/keyflow-errors';
import { MapStateHandle } from './map-state-handle';
import type { MapBacking, MapChanges } from './state-backing';
import type { EntryExpiry } from './state-definition';
import { ValueBackedMap } from './value-backed-map';

interface Line {
  readonly sku: string;
  readonly quantity: number;
}
const LineType = jsonType<Line>('example/CartLine');
const DAY = 86_400_000;

function mapState(entryExpiry?: EntryExpiry): MapStateDefinition {
  return {
    kind: 'map',
    name: 'lines',
    property: 'lines',
    type: LineType,
    entryExpiry,
    wireSpec: { stateName: 'lines', typeTypename: MAP_STATE_TYPENAME, expirationSpec: undefined },
  };
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function storedMap(entries: Record<string, [Line, number]>): PbTypedValue {
  const map = new Map<string, StoredMapEntry>(
    Object.entries(entries).map(([key, [line, expiresAtMillis]]) => [key, { value: LineType.serialize(line), expiresAtMillis }]),
  );
  return { typename: MAP_STATE_TYPENAME, hasValue: true, value: encodeMapStateValue(LineType.typename, map) };
}

/** The map a MODIFY mutation stores, as key → [quantity, expiresAt]. */
function storedBy(mutations: PbStateMutation[]): Record<string, [number, number]> {
  expect(mutations).toHaveLength(1);
  const [mutation] = mutations;
  expect(mutation?.mutationType).toBe(PbMutationType.MODIFY);
  expect(mutation?.stateValue?.typename).toBe(MAP_STATE_TYPENAME);
  const decoded = decodeMapStateValue(mutation?.stateValue?.value ?? new Uint8Array(0));
  expect(decoded.valueTypename).toBe('example/CartLine');
  return Object.fromEntries([...decoded.entries].map(([key, e]) => [key, [LineType.deserialize(e.value).quantity, e.expiresAtMillis]]));
}

const line = (sku: string, quantity: number): Line => ({ sku, quantity });

describe('MapStateHandle over a value-backed map', () => {
  it('reads stored entries and sees its own writes and deletes before they are stored', async () => {
    const clock = manualClock();
    const state = mapState();
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, storedMap({ a: [line('a', 1), 0], b: [line('b', 2), 0] })), clock.now);
    expect(await map.get('a')).toEqual(line('a', 1));
    expect(await map.size()).toBe(2);
    map.set('c', line('c', 3));
    map.delete('a');
    expect(await map.get('a')).toBeUndefined();
    expect(await map.has('a')).toBe(false);
    expect(await map.has('c')).toBe(true);
    expect(await map.keys()).toEqual(['b', 'c']);
    expect(await map.entries()).toEqual([
      ['b', line('b', 2)],
      ['c', line('c', 3)],
    ]);
    expect(storedBy(map.persist())).toEqual({ b: [2, 0], c: [3, 0] });
  });

  it('stores nothing when nothing changed, and a DELETE when the map ends up empty', async () => {
    const state = mapState();
    const stored = storedMap({ a: [line('a', 1), 0] });
    const untouched = new MapStateHandle<Line>(state, new ValueBackedMap(state, stored), Date.now);
    await untouched.entries();
    expect(untouched.persist()).toEqual([]);

    const emptied = new MapStateHandle<Line>(state, new ValueBackedMap(state, stored), Date.now);
    emptied.set('b', line('b', 1));
    emptied.clear();
    expect(await emptied.size()).toBe(0);
    expect(emptied.persist()).toEqual([{ mutationType: PbMutationType.DELETE, stateName: 'lines', stateValue: undefined }]);
  });

  it('clear() drops stored entries; later sets are all the map holds', async () => {
    const state = mapState();
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, storedMap({ a: [line('a', 1), 0] })), Date.now);
    map.clear();
    map.set('z', line('z', 9));
    map.delete('a');
    expect(await map.keys()).toEqual(['z']);
    expect(storedBy(map.persist())).toEqual({ z: [9, 0] });
  });

  it('a value read is a copy: changing it changes nothing until it is set', async () => {
    const state = mapState();
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, storedMap({ a: [line('a', 1), 0] })), Date.now);
    const read = (await map.get('a')) as { quantity: number };
    read.quantity = 99;
    expect(await map.get('a')).toEqual(line('a', 1));
    expect(map.persist()).toEqual([]);
  });

  it('expireAfterWrite: an entry is visible until its time is up, then never, and is dropped when the map is written', async () => {
    const clock = manualClock();
    const state = mapState({ mode: 'after-write', millis: DAY });
    const start = clock.now();
    const stored = storedMap({ old: [line('old', 1), start + 1000], fresh: [line('fresh', 2), start + 5 * DAY], forever: [line('forever', 3), 0] });
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, stored), clock.now);
    expect(await map.keys()).toEqual(['forever', 'fresh', 'old']);
    clock.advance(999);
    expect(await map.get('old')).toEqual(line('old', 1));
    clock.advance(1);
    expect(await map.get('old')).toBeUndefined();
    expect(await map.has('old')).toBe(false);
    expect(await map.keys()).toEqual(['forever', 'fresh']);
    expect(await map.size()).toBe(2);
    map.set('new', line('new', 4));
    // Reads do not move expiry under expireAfterWrite: 'fresh' keeps its time.
    expect(storedBy(map.persist())).toEqual({ forever: [3, 0], fresh: [2, start + 5 * DAY], new: [4, start + 1000 + DAY] });
  });

  it('expireAfterWrite: a set entry expires a TTL after the set', async () => {
    const clock = manualClock();
    const state = mapState({ mode: 'after-write', millis: 10 });
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, undefined), clock.now);
    map.set('a', line('a', 1));
    clock.advance(9);
    expect(await map.get('a')).toEqual(line('a', 1));
    clock.advance(1);
    expect(await map.get('a')).toBeUndefined();
    // Expired when the effects are collected: not stored at all.
    expect(map.persist()).toEqual([{ mutationType: PbMutationType.DELETE, stateName: 'lines', stateValue: undefined }]);
  });

  it('expireAfterAccess: get and entries move an entry expiry; has, keys and size do not', async () => {
    const clock = manualClock();
    const state = mapState({ mode: 'after-access', millis: 100 });
    const start = clock.now();
    const stored = storedMap({ a: [line('a', 1), start + 50], b: [line('b', 2), start + 50], c: [line('c', 3), start + 50] });
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, stored), clock.now);
    clock.advance(40);
    expect(await map.get('a')).toEqual(line('a', 1));
    expect(await map.has('b')).toBe(true);
    expect(await map.keys()).toEqual(['a', 'b', 'c']);
    expect(await map.size()).toBe(3);
    clock.advance(20); // start + 60: b and c are past their time, a was read at start + 40
    expect(await map.keys()).toEqual(['a']);
    expect(await map.entries()).toEqual([['a', line('a', 1)]]);
    expect(storedBy(map.persist())).toEqual({ a: [1, start + 160] });
  });

  it('expireAfterAccess: reading an unchanged map writes it, so the moved expiries are stored', async () => {
    const clock = manualClock();
    const state = mapState({ mode: 'after-access', millis: 100 });
    const map = new MapStateHandle<Line>(state, new ValueBackedMap(state, storedMap({ a: [line('a', 1), clock.now() + 100] })), clock.now);
    clock.advance(30);
    await map.get('a');
    expect(storedBy(map.persist())).toEqual({ a: [1, clock.now() + 100] });
  });

  it('refuses keys that are not strings and undefined values with KF_INVALID_STATE_ACCESS, changing nothing', async () => {
    const state = mapState();
    const map = new MapStateHandle<unknown>(state, new ValueBackedMap(state, undefined), Date.now);
    expectThrowsCode(() => map.set(1 as never, line('a', 1)), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => map.set('a', undefined), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectThrowsCode(() => map.delete(null as never), SdkErrorCodes.INVALID_STATE_ACCESS);
    expectKeyflowError(await rejectionOf(map.get({} as never)), SdkErrorCodes.INVALID_STATE_ACCESS);
    expect(map.persist()).toEqual([]);
  });

  it('names a stored value of another kind or value type with KF_TYPE_MISMATCH, and bad bytes with KF_SERIALIZATION_FAILED', async () => {
    const state = mapState();
    const asValue = new MapStateHandle<Line>(state, new ValueBackedMap(state, { typename: 'example/CartLine', hasValue: true, value: LineType.serialize(line('a', 1)) }), Date.now);
    expectKeyflowError(await rejectionOf(asValue.get('a')), SdkErrorCodes.TYPE_MISMATCH);
    const otherValues = { typename: MAP_STATE_TYPENAME, hasValue: true, value: encodeMapStateValue(Types.int.typename, new Map([['a', { value: Types.int.serialize(1), expiresAtMillis: 0 }]])) };
    const ints = new MapStateHandle<Line>(state, new ValueBackedMap(state, otherValues), Date.now);
    expectKeyflowError(await rejectionOf(ints.keys()), SdkErrorCodes.TYPE_MISMATCH);
    const garbage = new MapStateHandle<Line>(state, new ValueBackedMap(state, { typename: MAP_STATE_TYPENAME, hasValue: true, value: Uint8Array.of(0x12, 0x40) }), Date.now);
    expectKeyflowError(await rejectionOf(garbage.size()), SdkErrorCodes.SERIALIZATION_FAILED);
  });
});

/** A backing whose reads complete later, as an entry-backed map's would; it counts what was read. */
class AsyncBacking implements MapBacking {
  readonly reads: string[] = [];
  scans = 0;
  persisted: MapChanges | undefined;

  constructor(private readonly entries: Map<string, StoredMapEntry>) {}

  read(key: string): Promise<StoredMapEntry | undefined> {
    this.reads.push(key);
    return new Promise((resolve) => setImmediate(() => resolve(this.entries.get(key))));
  }

  async *scan(): AsyncIterable<readonly [string, StoredMapEntry]> {
    this.scans++;
    for (const entry of this.entries) {
      await new Promise((resolve) => setImmediate(resolve));
      yield entry;
    }
  }

  persist(changes: MapChanges): PbStateMutation[] {
    this.persisted = changes;
    return [];
  }
}

describe('MapStateHandle over a backing that reads on demand', () => {
  const stored = (quantity: number): StoredMapEntry => ({ value: LineType.serialize(line('x', quantity)), expiresAtMillis: 0 });

  it('reads only the entries asked for, and hands the backing only the changes', async () => {
    const backing = new AsyncBacking(new Map([['a', stored(1)], ['b', stored(2)]]));
    const map = new MapStateHandle<Line>(mapState(), backing, Date.now);
    expect(await map.get('a')).toEqual(line('x', 1));
    map.set('c', line('c', 3));
    expect(await map.get('c')).toEqual(line('c', 3));
    map.delete('b');
    expect(await map.has('b')).toBe(false);
    expect(backing.reads).toEqual(['a']);
    expect(backing.scans).toBe(0);
    expect(await map.keys()).toEqual(['a', 'c']);
    map.persist();
    expect(backing.persisted?.cleared).toBe(false);
    expect([...(backing.persisted?.puts.keys() ?? [])]).toEqual(['c']);
    expect([...(backing.persisted?.deletes ?? [])]).toEqual(['b']);
  });

  it('a change made while a read is under way wins over the stored entry', async () => {
    const backing = new AsyncBacking(new Map([['a', stored(1)]]));
    const map = new MapStateHandle<Line>(mapState(), backing, Date.now);
    const reading = map.get('a');
    map.set('a', line('a', 7));
    expect(await reading).toEqual(line('a', 7));
    const scanning = map.entries();
    map.delete('a');
    expect(await scanning).toEqual([]);
  });
});
