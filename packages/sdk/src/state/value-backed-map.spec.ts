import { Types } from '@keyflow/sdk';
import {
  MAP_STATE_TYPENAME,
  PbMutationType,
  decodeMapStateValue,
  encodeMapStateValue,
  type MapStateDefinition,
  type StoredMapEntry,
} from '@keyflow/sdk/protocol';
import type { MapChanges } from './state-backing';
import { ValueBackedMap } from './value-backed-map';

const state: MapStateDefinition = {
  kind: 'map',
  name: 'm',
  property: 'm',
  type: Types.int,
  entryExpiry: undefined,
  wireSpec: { stateName: 'm', typeTypename: MAP_STATE_TYPENAME, expirationSpec: undefined },
};
const NOW = 1_000;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let value = seed;
  return () => {
    value = (value * 1_103_515_245 + 12_345) % 2_147_483_648;
    return value / 2_147_483_648;
  };
}

const entry = (n: number, expiresAtMillis = 0): StoredMapEntry => ({ value: Types.int.serialize(n), expiresAtMillis });
const KEYS = ['', 'a', 'aa', 'b', 'k1', 'k10', 'k2', 'zz', 'é', 'ü', '中', '\u{1F600}', 'z\u{1F600}'];

/** What storage should hold: the stored map with the changes applied, expired entries dropped, as key → [n, expiresAt]. */
function expected(stored: Map<string, StoredMapEntry>, changes: MapChanges): Record<string, [number, number]> {
  const result = new Map(changes.cleared ? [] : stored);
  for (const key of changes.deletes) result.delete(key);
  for (const [key, value] of changes.puts) result.set(key, value);
  const live = [...result].filter(([, e]) => e.expiresAtMillis === 0 || e.expiresAtMillis > NOW);
  return Object.fromEntries(live.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, e]) => [k, [Types.int.deserialize(e.value), e.expiresAtMillis]]));
}

describe('ValueBackedMap.persist', () => {
  it('writes the stored map with any mix of changes merged in, in key order, for 500 random cases', () => {
    const next = random(17);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    for (let run = 0; run < 500; run++) {
      const stored = new Map<string, StoredMapEntry>();
      const count = Math.floor(next() * 8);
      for (let index = 0; index < count; index++) stored.set(pick(KEYS), entry(index, pick([0, 0, 500, 2_000])));
      const puts = new Map<string, StoredMapEntry>();
      const deletes = new Set<string>();
      for (let index = Math.floor(next() * 5); index > 0; index--) {
        const key = pick(KEYS);
        if (next() < 0.3) {
          deletes.add(key);
          puts.delete(key);
        } else {
          puts.set(key, entry(100 + index, pick([0, 900, 5_000])));
          deletes.delete(key);
        }
      }
      const changes: MapChanges = { cleared: next() < 0.1, puts, deletes };
      const value = { typename: MAP_STATE_TYPENAME, hasValue: true, value: encodeMapStateValue(Types.int.typename, stored) };
      const [mutation] = new ValueBackedMap(state, count === 0 && next() < 0.5 ? undefined : value).persist(changes, NOW);
      const want = expected(stored, changes);
      if (!changes.cleared && puts.size === 0 && deletes.size === 0) {
        expect(mutation).toBeUndefined();
        continue;
      }
      if (Object.keys(want).length === 0) {
        expect(mutation?.mutationType).toBe(PbMutationType.DELETE);
        continue;
      }
      const decoded = decodeMapStateValue(mutation?.stateValue?.value ?? new Uint8Array(0));
      expect(decoded.inKeyOrder).toBe(true);
      expect(Object.fromEntries([...decoded.entries].map(([k, e]) => [k, [Types.int.deserialize(e.value), e.expiresAtMillis]]))).toEqual(want);
      expect([...decoded.entries.keys()]).toEqual(Object.keys(want).sort());
    }
  });

  it('reads and rewrites a value whose keys another writer left out of order', () => {
    // Entries a, c, b, and a again: decoded whole, the last 'a' wins, written back in order.
    const bytes = Buffer.concat(
      [['a', 1], ['c', 3], ['b', 2], ['a', 9]].map(([key, n]) => {
        const one = encodeMapStateValue('', new Map([[key as string, entry(n as number)]]));
        return Buffer.from(one);
      }),
    );
    const prefix = encodeMapStateValue(Types.int.typename, new Map());
    const map = new ValueBackedMap(state, { typename: MAP_STATE_TYPENAME, hasValue: true, value: new Uint8Array(Buffer.concat([prefix, bytes])) });
    expect(map.read('a')).toEqual(entry(9));
    const [mutation] = map.persist({ cleared: false, puts: new Map([['d', entry(4)]]), deletes: new Set() }, NOW);
    const decoded = decodeMapStateValue(mutation?.stateValue?.value ?? new Uint8Array(0));
    expect([...decoded.entries].map(([k, e]) => [k, Types.int.deserialize(e.value)])).toEqual([['a', 9], ['b', 2], ['c', 3], ['d', 4]]);
  });
});
