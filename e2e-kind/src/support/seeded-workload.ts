/** A deterministic workload: `events` events spread over `keys` keys, in a seeded order. */
export interface Workload {
  /** One entry per event: the key (the counter's instance id) it goes to. */
  readonly events: readonly string[];
  /** How many events each key gets. */
  readonly perKey: ReadonlyMap<string, number>;
}

/** mulberry32: small, seeded, good enough to shuffle a workload reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` events over keys `<prefix>-0 … <prefix>-<keys-1>`, each key getting at least one. */
export function seededWorkload(prefix: string, keys: number, count: number, seed: number): Workload {
  const next = random(seed);
  const events = Array.from({ length: count }, (_, index) => `${prefix}-${index < keys ? index : Math.floor(next() * keys)}`);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [events[i], events[j]] = [events[j] as string, events[i] as string];
  }
  const perKey = new Map<string, number>();
  for (const key of events) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  return { events, perKey };
}

/** The records a counter publishes for a workload, after `before` earlier events per key: `<key>:<n>`. */
export function expectedCounts(workload: Workload, before: ReadonlyMap<string, number> = new Map()): string[] {
  const records: string[] = [];
  for (const [key, count] of workload.perKey) {
    const start = before.get(key) ?? 0;
    for (let n = start + 1; n <= start + count; n++) records.push(`${key}:${n}`);
  }
  return records.sort();
}
