import { Types } from '@keyflow/sdk';
import { MAP_STATE_TYPENAME, encodeMapStateValue, encodeListStateValue, LIST_STATE_TYPENAME } from '@keyflow/sdk/protocol';
import { encodeAddressState } from '../../src/state/address-state';
import { COLLECTION_KEY_PREFIX, STATE_KEY_PREFIX, stateKey } from '../../src/state/keyspace';
import { addressKey } from '../../src/message/address-key';
import { useTempDir } from '../../src/test-support/temp-dir';
import { CollectionSweeper } from '../../src/state/collection-sweeper';
import { CollectionRig } from '../support/collection-rig';

// Embedded functions keep list and map state entry by entry in RocksDB: these tests drive the
// real dispatcher, sdk handles and RocksDB backend and look at the keys that end up stored.

const dir = useTempDir('collections');
let rig: CollectionRig;

beforeEach(async () => {
  rig = await CollectionRig.open(dir.path);
});
afterEach(async () => {
  await rig.close();
});

describe('map and list state stored entry by entry (embedded)', () => {
  it('stores each map entry and list element under its own key, and reads them back after a restart', async () => {
    await rig.send('ann', 'set apple 3', 'set pear 5', 'append e1', 'append e2', 'del apple', 'set fig 1');
    expect(await rig.ask('ann', 'keys')).toEqual(['fig', 'pear']);
    expect(await rig.ask('ann', 'list')).toEqual(['e1', 'e2']);
    await rig.checkpoint();

    const collectionKeys = await rig.keys(COLLECTION_KEY_PREFIX);
    expect(collectionKeys).toHaveLength(2 + 1 + 2 + 1); // fig, pear + map header; e1, e2 + list header
    expect(collectionKeys.filter((key) => key.endsWith('fig') || key.endsWith('pear'))).toHaveLength(2);
    // The address's own state holds the value state only: no collection travels as one value.
    const addressStates = await rig.keys(STATE_KEY_PREFIX);
    expect(addressStates).toHaveLength(1);
    expect((await rig.backend.get(addressStates[0] as string))?.length).toBeLessThan(64);

    await rig.close();
    rig = await CollectionRig.open(dir.path);
    expect(await rig.ask('ann', 'get pear')).toBe(5);
    expect(await rig.ask('ann', 'at 1')).toBe('e2');
    expect(await rig.ask('ann', 'size')).toBe(2);
    expect(await rig.ask('bob', 'size')).toBe(0);
  });

  it('sees the batch’s uncommitted and committed entries alike, in key order', async () => {
    await rig.send('ann', 'set b 2', 'set d 4');
    await rig.checkpoint();
    await rig.send('ann', 'set a 1', 'set c 3', 'del d');
    expect(await rig.ask('ann', 'keys')).toEqual(['a', 'b', 'c']);
    await rig.checkpoint();
    expect(await rig.ask('ann', 'keys')).toEqual(['a', 'b', 'c']);
  });

  it('clears a map with one header write (a new generation) and a list by deleting its elements', async () => {
    await rig.send('ann', 'fill 50 0', 'replace x,y,z');
    await rig.checkpoint();
    await rig.send('ann', 'clear', 'set after 1', 'replace q');
    const delta = await rig.checkpoint();
    expect(await rig.ask('ann', 'keys')).toEqual(['after']);
    expect(await rig.ask('ann', 'list')).toEqual(['q']);
    // map: header + 'after'; list: element 0, header, and deletes of elements 1 and 2
    expect(delta.puts.filter((key) => key.startsWith(COLLECTION_KEY_PREFIX))).toHaveLength(4);
    expect(delta.deletes).toHaveLength(2);
  });

  it('changes nothing when the function throws', async () => {
    await rig.send('ann', 'set kept 1');
    const checkpointed = await rig.checkpoint();
    expect(checkpointed.puts.length).toBeGreaterThan(0);
    await rig.send('ann', 'throw');
    expect(rig.fatal).toHaveLength(1);
    const after = await rig.checkpoint();
    expect(after.puts).toEqual([]);
    expect(after.deletes).toEqual([]);
  });

  it('moves a collection stored whole (before entry-level storage) into entries on first use', async () => {
    const key = addressKey({ namespace: 'coll', type: 'store', id: 'old' });
    const entries = new Map([
      ['x', { value: Types.int.serialize(7), expiresAtMillis: 0 }],
      ['y', { value: Types.int.serialize(8), expiresAtMillis: 0 }],
    ]);
    const now = rig.clock.now;
    const whole = new Map([
      ['scores', { typename: MAP_STATE_TYPENAME, value: encodeMapStateValue(Types.int.typename, entries), writtenAt: now, accessedAt: now }],
      ['events', { typename: LIST_STATE_TYPENAME, value: encodeListStateValue(Types.string.typename, [Types.string.serialize('old')]), writtenAt: now, accessedAt: now }],
      ['commands', { typename: Types.int.typename, value: Types.int.serialize(41), writtenAt: now, accessedAt: now }],
    ]);
    await rig.backend.write([{ type: 'put', key: stateKey(key), value: encodeAddressState(whole) }]);

    expect(await rig.ask('old', 'keys')).toEqual(['x', 'y']);
    expect(await rig.ask('old', 'list')).toEqual(['old']);
    await rig.send('old', 'set z 9');
    await rig.checkpoint();
    expect(await rig.keys(COLLECTION_KEY_PREFIX)).toHaveLength(3 + 1 + 1 + 1);
    expect((await rig.backend.get(stateKey(key)))?.length).toBeLessThan(64);
    expect(await rig.ask('old', 'get y')).toBe(8);
  });

  it('changes one key per changed entry: a one-entry change to a 100,000-entry map makes a one-key checkpoint delta', async () => {
    for (let round = 0; round < 10; round++) await rig.send('big', `fill 10000 ${round * 10_000}`);
    const full = await rig.checkpoint();
    expect(full.puts.filter((key) => key.startsWith(COLLECTION_KEY_PREFIX)).length).toBe(100_001);

    await rig.send('big', 'set k500 -1');
    const delta = await rig.checkpoint();
    expect(delta.puts.filter((key) => key.startsWith(COLLECTION_KEY_PREFIX))).toHaveLength(1);
    expect(delta.deletes).toEqual([]);
    expect(await rig.ask('big', 'get k500')).toBe(-1);
  }, 60_000);

  it('never shows an expired map entry, and deletes it from storage with the batch that came across it', async () => {
    await rig.send('ann', 'set old 1');
    rig.clock.advance(30_000);
    await rig.send('ann', 'set young 2');
    await rig.checkpoint();
    rig.clock.advance(40_000); // 'old' was written 70 s ago, 'young' 40 s ago; entries live 60 s
    expect(await rig.ask('ann', 'get old')).toBeNull();
    expect(await rig.ask('ann', 'keys')).toEqual(['young']);
    const delta = await rig.checkpoint();
    expect(delta.deletes).toHaveLength(1);
    expect(delta.deletes[0]?.endsWith('old')).toBe(true);
    const stored = await rig.keys(COLLECTION_KEY_PREFIX);
    expect(stored.filter((key) => key.endsWith('old'))).toEqual([]);
    expect(stored.filter((key) => key.endsWith('young'))).toHaveLength(1);
  });

  it('expires a list as a whole after its time to live since the last write, and deletes its elements', async () => {
    await rig.send('ann', 'append a', 'append b');
    await rig.checkpoint();
    rig.clock.advance(100_000);
    expect(await rig.ask('ann', 'list')).toEqual(['a', 'b']);
    rig.clock.advance(30_000);
    expect(await rig.ask('ann', 'list')).toEqual([]);
    const delta = await rig.checkpoint();
    expect(delta.deletes.filter((key) => key.startsWith(COLLECTION_KEY_PREFIX))).toHaveLength(3); // two elements, the header
    expect(await rig.keys(COLLECTION_KEY_PREFIX)).toEqual([]);
  });

  it('sweeps expired entries no batch came across, cleared generations and expired lists out of storage and checkpoints', async () => {
    await rig.send('ann', 'fill 3 0', 'append a', 'append b');
    await rig.send('bob', 'fill 2 0');
    await rig.send('cy', 'fill 4 0');
    await rig.checkpoint();
    await rig.send('cy', 'clear', 'set kept 1');
    await rig.checkpoint();
    const sweeper = new CollectionSweeper(rig.state.entries, (typename) => rig.specs.get(typename), rig.clock.read);

    // ann: 3 entries, a header, 2 elements, a header; bob: 2 entries, a header; cy: 4 + 1 entries, a header
    expect(await sweeper.sweep()).toEqual({ scanned: 3 + 1 + 2 + 1 + 2 + 1 + 4 + 1 + 1, deleted: 4 }); // cy's cleared generation
    rig.clock.advance(59_000);
    await rig.send('bob', 'set fresh 1');
    await rig.checkpoint(); // the sweep walks what checkpoints wrote
    rig.clock.advance(2_000); // ann's and bob's first entries expired (60 s), bob's 'fresh' not; lists live 120 s
    expect((await sweeper.sweep()).deleted).toBe(3 + 2 + 1); // cy's 'kept' too
    rig.clock.advance(60_000);
    expect((await sweeper.sweep()).deleted).toBe(2 + 1 + 1); // ann's list (elements, header) and bob's 'fresh'
    const delta = await rig.checkpoint();
    expect(delta.deletes.length).toBeGreaterThanOrEqual(10);
    // What is left: the three map headers.
    expect((await rig.keys(COLLECTION_KEY_PREFIX)).map((key) => key.slice(-1))).toEqual(['h', 'h', 'h']);
    expect(await rig.ask('ann', 'keys')).toEqual([]);
    expect(await rig.ask('ann', 'list')).toEqual([]);
  });

  it('moves entries back into whole values when the function is served whole (remote), and into entries again when embedded', async () => {
    await rig.send('ann', 'set a 1', 'set b 2', 'append x');
    await rig.checkpoint();
    await rig.close();

    rig = await CollectionRig.open(dir.path, rig.clock, 'whole');
    expect(await rig.ask('ann', 'keys')).toEqual(['a', 'b']);
    expect(await rig.ask('ann', 'list')).toEqual(['x']);
    await rig.send('ann', 'set c 3');
    await rig.checkpoint();
    expect(await rig.keys(COLLECTION_KEY_PREFIX)).toEqual([]);
    await rig.close();

    rig = await CollectionRig.open(dir.path, rig.clock);
    expect(await rig.ask('ann', 'keys')).toEqual(['a', 'b', 'c']);
    expect(await rig.ask('ann', 'at 0')).toBe('x');
    await rig.checkpoint();
    expect(await rig.keys(COLLECTION_KEY_PREFIX)).toHaveLength(3 + 1 + 1 + 1);
  });
});
