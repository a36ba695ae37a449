import { EntryStore } from './entry-store';
import { MemoryBackend } from './memory-backend';

const bytes = (text: string): Uint8Array => Buffer.from(text);
const text = (value: Uint8Array | null | undefined): string | null | undefined =>
  value === null || value === undefined ? value : Buffer.from(value).toString();

async function scanned(store: EntryStore, prefix: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const [key, value] of store.scan(prefix)) out.push([key, text(value) as string]);
  return out;
}

describe('EntryStore', () => {
  it('scans the backend with the sealed and live writes over it, in key order, newest winning', async () => {
    const backend = new MemoryBackend();
    await backend.write([
      { type: 'put', key: 'p/b', value: bytes('b0') },
      { type: 'put', key: 'p/d', value: bytes('d0') },
      { type: 'put', key: 'p/f', value: bytes('f0') },
      { type: 'put', key: 'q/a', value: bytes('other') },
    ]);
    const store = new EntryStore(backend, 100);
    store.write('p/a', bytes('a1'));
    store.write('p/d', null);
    store.seal();
    store.write('p/e', bytes('e2'));
    store.write('p/a', bytes('a2'));
    store.write('p/g', bytes('g2'));
    expect(await scanned(store, 'p/')).toEqual([
      ['p/a', 'a2'],
      ['p/b', 'b0'],
      ['p/e', 'e2'],
      ['p/f', 'f0'],
      ['p/g', 'g2'],
    ]);
  });

  it('reads from memory when it can and from the backend once otherwise, counting backend reads', async () => {
    const backend = new MemoryBackend();
    await backend.write([{ type: 'put', key: 'k', value: bytes('stored') }]);
    const store = new EntryStore(backend, 100);
    store.write('w', bytes('written'));
    expect(text(store.get('w') as Uint8Array)).toBe('written');
    expect(store.peek('k')).toBeUndefined();
    expect(text(await store.get('k'))).toBe('stored');
    expect(text(store.get('k') as Uint8Array)).toBe('stored');
    expect(await store.get('absent')).toBeNull();
    expect(store.get('absent')).toBeNull();
    expect(store.backendReads).toBe(2);
  });

  it('commits sealed deltas in order and puts back a failed one under newer writes', () => {
    const store = new EntryStore(new MemoryBackend(), 100);
    store.write('a', bytes('1'));
    store.write('b', bytes('1'));
    const first = store.seal();
    store.write('a', bytes('2'));
    expect(EntryStore.opsOf(first).map((op) => op.key)).toEqual(['a', 'b']);
    store.unseal(first);
    expect(text(store.peek('a'))).toBe('2');
    expect(text(store.peek('b'))).toBe('1');
    const second = store.seal();
    store.committed(second);
    expect(text(store.peek('b'))).toBe('1'); // now from the cache of clean entries
    expect(() => store.committed(second)).toThrow(/in the order they were sealed/);
  });
});
