// The per-message cost of one map `set` on a map of 10, 10,000 and 100,000 entries, in embedded
// mode (ingress → function in-process → RocksDB-backed state, the map stored entry by entry) and
// in remote mode (the same functions behind HTTP on loopback, the map one PersistedValue), for a
// `@MapSpec` against the same map packed into one `@ValueSpec` (a JSON object: today's
// workaround). Both functions run in one runtime per mode and size, in alternating rounds; each
// round is a closed loop with one message in flight per address, so every batch holds one
// message and the time per message is the cost of one `set`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHttp, silentLogger, type FunctionHttpServer } from '@keyflow/sdk';
import { KeyflowRuntime, loadModule } from '@keyflow/runtime';
import { functions } from './map-functions';
import { AnswerEgress, PacedIngress } from './paced-loop';

const SIZES = (process.env['BENCH_SIZES'] ?? '10,10000,100000').split(',').map(Number);
const MODES = (process.env['BENCH_MODES'] ?? 'embedded,remote').split(',') as ('embedded' | 'remote')[];
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

/**
 * One timed round of single `set`s over existing keys; resolves with milliseconds per message.
 * Starts from a collected heap when run with --expose-gc, so that one variant's garbage (the
 * one-value workaround makes a lot at 100,000 entries) is not paid in the other's round.
 */
function round(ingress: PacedIngress, egress: AnswerEgress, typename: string, size: number): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
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

/** A runtime for one mode: the functions in-process, or behind an HTTP server it calls. */
async function startRuntime(
  mode: 'embedded' | 'remote',
  stateDir: string,
  ingress: PacedIngress,
  egress: AnswerEgress,
): Promise<{ runtime: KeyflowRuntime; server: FunctionHttpServer | undefined }> {
  const common = { stateDir, ingresses: [ingress], egresses: [egress], logger: silentLogger, checkpointIntervalMs: 1_000 };
  if (mode === 'embedded') {
    const module = { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] };
    return { runtime: await KeyflowRuntime.start({ ...common, module, functions }), server: undefined };
  }
  const server = serveHttp(functions, { port: 0, host: '127.0.0.1', logger: silentLogger, maxBodyBytes: 64 * 1024 * 1024 });
  const { port } = (await server.listening) as AddressInfo;
  const moduleFile = join(stateDir, '..', `module-${port}.yaml`);
  await writeFile(moduleFile, `kind: io.statefun.endpoints.v2/http\nspec:\n  functions: bench/*\n  urlPathTemplate: http://127.0.0.1:${port}/statefun\n`);
  return { runtime: await KeyflowRuntime.start({ ...common, module: await loadModule(moduleFile) }), server };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-state-'));
  const results = new Map<string, Map<string, number>>();
  try {
    for (const mode of MODES) {
      for (const size of SIZES) {
        const ingress = new PacedIngress();
        const egress = new AnswerEgress();
        const { runtime, server } = await startRuntime(mode, join(root, `${mode}-${size}`), ingress, egress);
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
        await server?.close();
        results.set(`${mode}:${size}`, new Map([...perVariant].map(([typename, costs]) => [typename, median(costs)])));
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  console.log(`state: one map set per message, ${ADDRESSES} addresses with one message in flight each,`);
  console.log(`median of ${ROUNDS} alternating rounds of ≥ ${ROUND_MS} ms; time per message (lower is better)`);
  console.log('');
  console.log(`| mode | entries | ${VARIANTS.map((v) => v.label).join(' | ')} | one value ÷ @MapSpec |`);
  console.log(`|---|---:|${VARIANTS.map(() => '---:').join('|')}|---:|`);
  for (const [key, costs] of results) {
    const [mode, size] = key.split(':');
    const map = costs.get('bench/map-state') as number;
    const value = costs.get('bench/value-map') as number;
    console.log(`| ${mode} | ${Number(size).toLocaleString('en-US')} | ${format(map)} | ${format(value)} | ${(value / map).toFixed(2)}× |`);
  }
  console.log('');
  for (const mode of MODES) {
    // The targets are for embedded mode; remote mode, where the map travels whole as on
    // any StateFun runtime, is reported beside them.
    const target = (text: string): string => (mode === 'embedded' ? `issue #17 target: ${text}` : 'remote: reported, no target');
    const smallest = results.get(`${mode}:${Math.min(...SIZES)}`)?.get('bench/map-state');
    const largest = results.get(`${mode}:${Math.max(...SIZES)}`)?.get('bench/map-state');
    const tenThousand = results.get(`${mode}:10000`);
    if (smallest && largest) {
      console.log(`${mode}: @MapSpec at ${Math.max(...SIZES).toLocaleString('en-US')} entries ÷ at ${Math.min(...SIZES).toLocaleString('en-US')}: ${(largest / smallest).toFixed(1)}× (${target('≤ 2×')})`);
    }
    if (tenThousand) {
      const ratio = (tenThousand.get('bench/value-map') as number) / (tenThousand.get('bench/map-state') as number);
      console.log(`${mode}: one @ValueSpec ÷ @MapSpec at 10,000 entries: ${ratio.toFixed(2)}× (${target('≥ 20×')})`);
    }
  }
}

void main();
