import { Types } from '@keyflow/sdk';
import { encodeCollectionHeader } from '../../src/state/collection-header';
import { collectionHeaderKey, collectionPrefix, mapEntryKey } from '../../src/state/keyspace';
import { encodeStoredMapEntry } from '../../src/state/stored-map-entry-codec';
import { addressKey } from '../../src/message/address-key';
import type { BackendOp } from '../../src/state/state-backend';
import { useTempDir } from '../../src/test-support/temp-dir';
import { CollectionRig } from '../support/collection-rig';

// A map of 1,000,000 entries in one address, in RocksDB: a batch that reads and writes a few of
// its entries reads only those from the backend, never the map.

const ENTRIES = 1_000_000;
const dir = useTempDir('collection-scale');

it('serves a 1,000,000-entry map of one address by reading only the entries a batch uses', async () => {
  const rig = await CollectionRig.open(dir.path);
  try {
    const prefix = collectionPrefix(addressKey({ namespace: 'coll', type: 'store', id: 'huge' }), 'scores');
    const now = rig.clock.now;
    // Written straight into RocksDB, as a long history of batches would have left it.
    await rig.backend.write([
      { type: 'put', key: collectionHeaderKey(prefix), value: encodeCollectionHeader({ kind: 'map', typename: Types.int.typename, length: 0, generation: 0, writtenAt: now, accessedAt: now }) },
    ]);
    for (let start = 0; start < ENTRIES; start += 100_000) {
      const ops: BackendOp[] = [];
      for (let index = start; index < start + 100_000; index++) {
        ops.push({ type: 'put', key: mapEntryKey(prefix, 0, `k${index}`), value: encodeStoredMapEntry({ value: Types.int.serialize(index), expiresAtMillis: now + 60_000 }) });
      }
      await rig.backend.write(ops);
    }

    const readsBefore = rig.state.entries.backendReads;
    expect(await rig.ask('huge', 'get k765432')).toBe(765_432);
    expect(await rig.ask('huge', 'has k999999')).toBe(true);
    expect(await rig.ask('huge', 'has k1000000')).toBe(false);
    await rig.send('huge', 'set k5 -5', 'del k6');
    expect(await rig.ask('huge', 'get k5')).toBe(-5);
    expect(await rig.ask('huge', 'get k6')).toBeNull();
    // The headers of the function's map and list once, then one read per entry looked up (k5
    // and k6, written by the batch before, are answered from memory).
    expect(rig.state.entries.backendReads - readsBefore).toBe(2 + 3);

    const delta = await rig.checkpoint();
    expect(delta.puts.filter((key) => key.startsWith(prefix))).toEqual([mapEntryKey(prefix, 0, 'k5')]);
    expect(delta.deletes).toEqual([mapEntryKey(prefix, 0, 'k6')]);
  } finally {
    await rig.close();
  }
}, 120_000);
