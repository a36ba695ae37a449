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
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// The encoded state of one counter address: what one update writes.
const STATE_BYTES = 40;

async function runtimeRound(dir: string): Promise<number> {
  const egress = new CountingEgress('bench/out');
  const ingress = new BenchIngress(MESSAGES, ADDRESSES);
  const started = performance.now();
  const runtime = await KeyflowRuntime.start({
    module: { files: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [], extensions: [] },
    stateDir: dir,
    functions,
    ingresses: [ingress],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
    maxQueuedMessages: Number(process.env['BENCH_MAX_QUEUED'] ?? 10_000),
  });
  await egress.until(MESSAGES);
  await runtime.checkpoint(); // every update is in RocksDB
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  return MESSAGES / seconds;
}

async function rocksdbRound(dir: string): Promise<number> {
  const backend = await RocksDbBackend.open(dir);
  const value = Buffer.alloc(STATE_BYTES, 7);
  const batchSize = 1_000;
  const started = performance.now();
  for (let written = 0; written < MESSAGES; written += batchSize) {
    const ops = [];
    for (let index = written; index < Math.min(MESSAGES, written + batchSize); index++) {
      ops.push({ type: 'put' as const, key: `s/bench/counter\u0000${index % ADDRESSES}`, value });
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
  const runtimeRates: number[] = [];
  const rocksRates: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      rocksRates.push(await rocksdbRound(join(root, `rocks-${round}`)));
      runtimeRates.push(await runtimeRound(join(root, `runtime-${round}`)));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const runtimeRate = median(runtimeRates);
  const rocksRate = median(rocksRates);
  console.log(`embedded: ${MESSAGES} messages over ${ADDRESSES} addresses, median of ${ROUNDS} rounds`);
  console.log(`  keyflow runtime (ingress → function → RocksDB state → egress): ${Math.round(runtimeRate).toLocaleString('en-US')} messages/s`);
  console.log(`  raw rocksdb batch puts (batches of 1000, ${STATE_BYTES} B):        ${Math.round(rocksRate).toLocaleString('en-US')} updates/s`);
  console.log(`  ratio: ${(runtimeRate / rocksRate).toFixed(2)}× (target ≥ 0.5×)`);
}

void main();
