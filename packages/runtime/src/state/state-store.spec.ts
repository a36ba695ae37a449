import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { ControllableBackend } from '../test-support/controllable-backend';
import { flushPromises } from '../test-support/flush-promises';
import { stringValue } from '@keyflow/sdk/test-support';
import { decodeAddressState, encodeAddressState, type AddressState } from './address-state';
import { STATE_KEY_PREFIX } from './keyspace';
import { StateStore } from './state-store';

function stateOf(values: Record<string, string>, at = 1_000): AddressState {
  return new Map(
    Object.entries(values).map(([name, text]) => {
      const { typename, value } = stringValue(text);
      return [name, { typename, value, writtenAt: at, accessedAt: at }] as const;
    }),
  );
}

async function store(backend: ControllableBackend, key: string, state: AddressState): Promise<void> {
  await backend.inner.write([{ type: 'put', key: STATE_KEY_PREFIX + key, value: encodeAddressState(state) }]);
}

describe('StateStore', () => {
  it('loads from the backend once and then answers from its cache, null for an address without state', async () => {
    const backend = new ControllableBackend();
    await store(backend, 'k1', stateOf({ name: 'ada' }));
    const states = new StateStore(backend);
    expect(states.peek('k1')).toBeUndefined();
    expect(await states.load('k1')).toEqual(stateOf({ name: 'ada' }));
    expect(await states.load('k2')).toBeNull();
    expect(states.peek('k1')).toEqual(stateOf({ name: 'ada' }));
    expect(states.peek('k2')).toBeNull();
    await states.load('k1');
    expect(backend.reads.flat()).toEqual(['s/k1', 's/k2']);
  });

  it('reads the keys asked for in one synchronous step with one getMany', async () => {
    const backend = new ControllableBackend();
    const states = new StateStore(backend);
    await Promise.all([states.load('a'), states.load('b'), states.load('c')]);
    expect(backend.reads).toEqual([['s/a', 's/b', 's/c']]);
  });

  it('makes writes visible at once, without I/O, and treats an empty state as none', async () => {
    const backend = new ControllableBackend();
    const states = new StateStore(backend);
    states.write('k', stateOf({ a: '1' }));
    states.write('empty', new Map());
    expect(states.peek('k')).toEqual(stateOf({ a: '1' }));
    expect(await states.load('k')).toEqual(stateOf({ a: '1' }));
    expect(states.peek('empty')).toBeNull();
    expect(states.pendingWrites).toBe(2);
    expect(backend.reads).toEqual([]);
  });

  it('lets a write made while a backend read is under way win over the read', async () => {
    const backend = new ControllableBackend();
    await store(backend, 'k', stateOf({ v: 'stored' }));
    const states = new StateStore(backend);
    backend.holdReads();
    const loading = states.load('k');
    await flushPromises();
    expect(backend.reads).toEqual([['s/k']]);
    states.write('k', stateOf({ v: 'written' }));
    backend.releaseReads();
    expect(await loading).toEqual(stateOf({ v: 'written' }));
    states.seal(); // the write leaves the live delta; the stale read must not have reached the cache
    expect(states.peek('k')).toEqual(stateOf({ v: 'written' }));
  });

  it('seals the live delta in one step, serves reads newest first (live, sealed, cache) and commits in order', async () => {
    const backend = new ControllableBackend();
    const states = new StateStore(backend);
    states.write('a', stateOf({ v: 'a1' }));
    states.write('b', stateOf({ v: 'b1' }));
    const first = states.seal();
    expect([...first.keys()]).toEqual(['a', 'b']);
    expect(states.pendingWrites).toBe(0);

    states.write('a', stateOf({ v: 'a2' }));
    states.write('b', null);
    expect(states.peek('a')).toEqual(stateOf({ v: 'a2' }));
    expect(states.peek('b')).toBeNull();
    const second = states.seal();
    states.write('c', stateOf({ v: 'c3' }));

    expect(() => states.committed(second)).toThrow();
    const ops = StateStore.opsOf(first);
    expect(ops.map((op) => [op.type, op.key])).toEqual([
      ['put', 's/a'],
      ['put', 's/b'],
    ]);
    await backend.write(ops);
    states.committed(first);
    expect(states.peek('a')).toEqual(stateOf({ v: 'a2' })); // the newer sealed delta still wins over the cache

    const secondOps = StateStore.opsOf(second);
    expect(secondOps.map((op) => [op.type, op.key])).toEqual([
      ['put', 's/a'],
      ['del', 's/b'],
    ]);
    await backend.write(secondOps);
    states.committed(second);
    expect(states.peek('b')).toBeNull();
    expect(decodeAddressState((await backend.peekStored('s/a'))!, 'a')).toEqual(stateOf({ v: 'a2' }));
    expect(await backend.peekStored('s/b')).toBeUndefined();
    expect(states.pendingWrites).toBe(1);
  });

  it('owns a live value only until a checkpoint seals it, and never a cached one', async () => {
    const backend = new ControllableBackend();
    await store(backend, 'k', stateOf({ name: 'ada' }));
    const states = new StateStore(backend);
    const cached = await states.load('k');
    expect(states.ownsLive('k', cached)).toBe(false);

    const written = stateOf({ name: 'grace' });
    states.write('k', written);
    expect(states.ownsLive('k', written)).toBe(true);
    expect(states.ownsLive('other', written)).toBe(false);
    expect(states.ownsLive('k', null)).toBe(false);

    const sealed = states.seal();
    expect(sealed.get('k')).toBe(written);
    expect(states.ownsLive('k', written)).toBe(false);
  });

  it('puts back a delta whose commit failed under the current one, newer writes winning', () => {
    const states = new StateStore(new ControllableBackend());
    states.write('a', stateOf({ v: 'a1' }));
    states.write('b', stateOf({ v: 'b1' }));
    const failed = states.seal();
    states.write('b', stateOf({ v: 'b2' }));
    states.write('c', stateOf({ v: 'c2' }));

    states.unseal(failed);
    expect(() => states.unseal(failed)).toThrow();
    const next = states.seal();
    expect(new Map(next)).toEqual(
      new Map([
        ['b', stateOf({ v: 'b2' })],
        ['c', stateOf({ v: 'c2' })],
        ['a', stateOf({ v: 'a1' })],
      ]),
    );
  });

  it('evicts clean states beyond its capacity, and reloads them from the backend', async () => {
    const backend = new ControllableBackend();
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    for (const key of keys) await store(backend, key, stateOf({ v: key }));
    const states = new StateStore(backend, { cacheEntries: 4 });
    for (const key of keys) await states.load(key);

    const cached = keys.filter((key) => states.peek(key) !== undefined);
    expect(cached.length).toBeLessThanOrEqual(4);
    expect(cached).toContain('k4');
    expect(cached).not.toContain('k0');

    backend.reads.length = 0;
    expect(await states.load('k0')).toEqual(stateOf({ v: 'k0' }));
    expect(backend.reads).toEqual([['s/k0']]);
  });

  it('never evicts uncommitted writes, and serves committed ones from the backend once evicted', async () => {
    const backend = new ControllableBackend();
    const states = new StateStore(backend, { cacheEntries: 2 });
    const keys = Array.from({ length: 10 }, (_, index) => `k${index}`);
    for (const key of keys) states.write(key, stateOf({ v: key }));
    expect(keys.every((key) => states.peek(key) !== undefined)).toBe(true);

    const delta = states.seal();
    expect(keys.every((key) => states.peek(key) !== undefined)).toBe(true);
    await backend.write(StateStore.opsOf(delta));
    states.committed(delta);
    expect(keys.filter((key) => states.peek(key) !== undefined).length).toBeLessThanOrEqual(2);
    for (const key of keys) expect(await states.load(key)).toEqual(stateOf({ v: key }));
  });

  it('forgets everything held in memory on reset', async () => {
    const backend = new ControllableBackend();
    await store(backend, 'cached', stateOf({ v: 'backend' }));
    const states = new StateStore(backend);
    await states.load('cached');
    states.write('live', stateOf({ v: 'live' }));
    states.write('sealed', stateOf({ v: 'sealed' }));
    const delta = states.seal();
    states.reset();
    expect(states.peek('cached')).toBeUndefined();
    expect(states.peek('live')).toBeUndefined();
    expect(states.peek('sealed')).toBeUndefined();
    expect(states.pendingWrites).toBe(0);
    expect(() => states.committed(delta)).toThrow();
    expect(await states.load('live')).toBeNull();
  });

  it('rejects a load when the backend read fails, and with KF_STATE_CORRUPT when the stored bytes do not decode', async () => {
    const backend = new ControllableBackend();
    await backend.inner.write([{ type: 'put', key: 's/bad', value: Uint8Array.of(99, 1, 2) }]);
    const states = new StateStore(backend);
    await expect(states.load('bad')).rejects.toMatchObject({ code: RuntimeErrorCodes.STATE_CORRUPT });

    backend.failNextRead();
    await expect(states.load('k')).rejects.toMatchObject({ code: RuntimeErrorCodes.STATE_BACKEND_FAILED });
    expect(states.peek('k')).toBeUndefined();
    expect(await states.load('k')).toBeNull();
  });
});
