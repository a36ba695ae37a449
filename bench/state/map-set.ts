// The per-message cost of one map `set` on a map of 10, 10,000 and 100,000 entries, in embedded
// mode (ingress → function in-process → RocksDB-backed state), for a `@MapSpec` against the same
// map packed into one `@ValueSpec` (a JSON object: today's workaround). Both functions run in
// one runtime, in alternating rounds; each round is a closed loop with one message in flight per
// address, so every batch holds one message and the time per message is the cost of one `set`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime } from '@keyflow/runtime';
import { functions } from './map-functions';
import { AnswerEgress, PacedIngress } from './paced-loop';

const SIZES = (process.env['BENCH_SIZES'] ?? '10,10000,100000').split(',').map(Number);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 2_000);
/** A round goes on past ROUND_MS until at least this many messages were answered. */
const MIN_MESSAGES = 20;

const VARIANTS = [
  { typename: 'bench/map-state', label: '@MapSpec' },
  { typename: 'bench/value-map', label: 'one @ValueSpec (JSON)' },
] as const;

/** Sends `text(id)` to every address of `typename` and resolves when all have answered. */
function toEach(ingress: PacedIngress, egress: AnswerEgress, typename: string, text: (id: string) => string): Promise<void> {
  return new Promise((resolve) => {
    let waiting = ADDRESSES;
    egress.onAnswer(() => {
      if (--waiting === 0) resolve();
    });
    for (let address = 0; address < ADDRESSES; address++) ingress.send(typename, `a${address}`, text(`a${address}`));
  });
}

/** One timed round of single `set`s over existing keys; resolves with milliseconds per message. */
function round(ingress: PacedIngress, egress: AnswerEgress, typename: string, size: number): Promise<number> {
  return new Promise((resolve) => {
    let answered = 0;
    let next = 0;
    let stopping = false;
    let inFlight = 0;
    const started = performance.now();
    const send = (id: string): void => {
      inFlight++;
      ingress.send(typename, id, `set:k${next++ % size}`);
    };
    egress.onAnswer((id) => {
      inFlight--;
      answered++;
      if (!stopping && performance.now() - started >= ROUND_MS && answered >= MIN_MESSAGES) stopping = true;
      if (!stopping) send(id);
      else if (inFlight === 0) resolve((performance.now() - started) / answered);
    });
    for (let address = 0; address < ADDRESSES; address++) send(`a${address}`);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const format = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-state-'));
  const results = new Map<number, Map<string, number>>();
  try {
    for (const size of SIZES) {
      const ingress = new PacedIngress();
      const egress = new AnswerEgress();
      const runtime = await KeyflowRuntime.start({
        module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
        stateDir: join(root, `size-${size}`),
        functions,
        ingresses: [ingress],
        egresses: [egress],
        logger: silentLogger,
        checkpointIntervalMs: 1_000,
      });
      for (const variant of VARIANTS) await toEach(ingress, egress, variant.typename, () => `fill:${size}`);
      await runtime.checkpoint(); // the filled maps are in RocksDB before timing starts
      for (const variant of VARIANTS) await round(ingress, egress, variant.typename, size); // warm-up, not timed
      const perVariant = new Map<string, number[]>(VARIANTS.map((variant) => [variant.typename, []]));
      for (let index = 0; index < ROUNDS; index++) {
        // Alternate which variant goes first, so drift on a shared machine hits both alike.
        const order = index % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) perVariant.get(variant.typename)?.push(await round(ingress, egress, variant.typename, size));
      }
      await runtime.stop();
      results.set(size, new Map([...perVariant].map(([typename, costs]) => [typename, median(costs)])));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  console.log(`state: one map set per message, embedded mode, ${ADDRESSES} addresses with one message in flight each,`);
  console.log(`median of ${ROUNDS} alternating rounds of ≥ ${ROUND_MS} ms; time per message (lower is better)`);
  console.log('');
  console.log(`| entries | ${VARIANTS.map((v) => v.label).join(' | ')} | one value ÷ @MapSpec |`);
  console.log(`|---:|${VARIANTS.map(() => '---:').join('|')}|---:|`);
  for (const [size, costs] of results) {
    const map = costs.get('bench/map-state') as number;
    const value = costs.get('bench/value-map') as number;
    console.log(`| ${size.toLocaleString('en-US')} | ${format(map)} | ${format(value)} | ${(value / map).toFixed(2)}× |`);
  }
  const smallest = results.get(Math.min(...SIZES))?.get('bench/map-state');
  const largest = results.get(Math.max(...SIZES))?.get('bench/map-state');
  const tenThousand = results.get(10_000);
  console.log('');
  if (smallest && largest) {
    console.log(`@MapSpec at ${Math.max(...SIZES).toLocaleString('en-US')} entries ÷ at ${Math.min(...SIZES).toLocaleString('en-US')}: ${(largest / smallest).toFixed(1)}× (issue #17 target: ≤ 2×)`);
  }
  if (tenThousand) {
    const ratio = (tenThousand.get('bench/value-map') as number) / (tenThousand.get('bench/map-state') as number);
    console.log(`one @ValueSpec ÷ @MapSpec at 10,000 entries: ${ratio.toFixed(2)}× (issue #17 target: ≥ 20×)`);
  }
}

void main();
