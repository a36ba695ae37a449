// Embedded throughput: ingress → function (in-process) → RocksDB-backed state → egress,
// against its anchor, a raw `rocksdb` batch-put loop writing as many state updates of the
// same size. Both in one run; prints messages/s, puts/s and the ratio (target ≥ 0.5).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime, RocksDbBackend } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { functions } from './bench-functions';
import { CountingEgress } from './counting-egress';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
// Two spreads of the same messages: many addresses (about one message per address per batch)
// and fewer (messages queue up per address and travel in batches).
const SPREADS = (process.env['BENCH_ADDRESSES'] ?? '10000,1000').split(',').map(Number);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
// The encoded state of one counter address: what one update writes.
const STATE_BYTES = 40;

async function runtimeRound(dir: string, addresses: number): Promise<number> {
  const egress = new CountingEgress('bench/out');
  const ingress = new BenchIngress(MESSAGES, addresses);
  const runtime = await KeyflowRuntime.start({
    module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
    stateDir: dir,
    functions,
    ingresses: [ingress],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
  });
  // The ingress starts feeding on the next turn: the clock starts with the first message.
  const started = performance.now();
  await egress.until(MESSAGES);
  await runtime.checkpoint(); // every update is in RocksDB
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  return MESSAGES / seconds;
}

async function rocksdbRound(dir: string, addresses: number): Promise<number> {
  const backend = await RocksDbBackend.open(dir);
  const value = Buffer.alloc(STATE_BYTES, 7);
  const batchSize = 1_000;
  const started = performance.now();
  for (let written = 0; written < MESSAGES; written += batchSize) {
    const ops = [];
    for (let index = written; index < Math.min(MESSAGES, written + batchSize); index++) {
      ops.push({ type: 'put' as const, key: `s/bench/counter\u0000${index % addresses}`, value });
    }
    await backend.write(ops);
  }
  const seconds = (performance.now() - started) / 1000;
  await backend.close();
  return MESSAGES / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-embedded-'));
  const lines: string[] = [];
  try {
    for (const addresses of SPREADS) {
      const runtimeRates: number[] = [];
      const rocksRates: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        rocksRates.push(await rocksdbRound(join(root, `rocks-${addresses}-${round}`), addresses));
        runtimeRates.push(await runtimeRound(join(root, `runtime-${addresses}-${round}`), addresses));
      }
      const runtimeRate = median(runtimeRates);
      const rocksRate = median(rocksRates);
      lines.push(
        `  ${addresses.toLocaleString('en-US')} addresses: keyflow ${Math.round(runtimeRate).toLocaleString('en-US')} messages/s, ` +
          `raw rocksdb ${Math.round(rocksRate).toLocaleString('en-US')} updates/s, ratio ${(runtimeRate / rocksRate).toFixed(2)}× (target ≥ 0.5×)`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.log(`embedded: ${MESSAGES.toLocaleString('en-US')} messages, ingress → function → RocksDB state → egress vs raw rocksdb batch puts`);
  console.log(`(batches of 1000 puts of ${STATE_BYTES} B, synced like a checkpoint commit), median of ${ROUNDS} rounds`);
  for (const line of lines) console.log(line);
}

void main();
