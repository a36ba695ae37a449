// Throughput with checkpoints every second (to a folder archive) against checkpoints off, in
// one run: the embedded pipeline (ingress → function → RocksDB state → egress), rounds
// alternating, median of each. Target: ≥ 0.9×.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@keyflow/sdk';
import { FolderCheckpointStorage, KeyflowRuntime } from '@keyflow/runtime';
import { BenchIngress } from '../runtime/bench-ingress';
import { functions } from '../runtime/bench-functions';
import { CountingEgress } from '../runtime/counting-egress';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 300_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

async function round(dir: string, checkpoints: boolean): Promise<{ rate: number; checkpoints: number }> {
  const egress = new CountingEgress('bench/out');
  const runtime = await KeyflowRuntime.start({
    module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
    stateDir: join(dir, 'state'),
    functions,
    ingresses: [new BenchIngress(MESSAGES, ADDRESSES)],
    egresses: [egress],
    logger: createLogger({ level: (process.env['BENCH_LOG'] ?? 'warn') as 'warn' }),
    checkpointIntervalMs: checkpoints ? 1_000 : 0,
    ...(checkpoints ? { checkpointStorage: new FolderCheckpointStorage(join(dir, 'checkpoints')) } : {}),
  });
  const started = performance.now();
  await egress.until(MESSAGES);
  const seconds = (performance.now() - started) / 1000;
  const taken = runtime.stats().lastCheckpointId;
  await runtime.stop();
  return { rate: MESSAGES / seconds, checkpoints: taken };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-overhead-'));
  const on: number[] = [];
  const off: number[] = [];
  let taken = 0;
  try {
    for (let index = 0; index < ROUNDS; index++) {
      off.push((await round(join(root, `off-${index}`), false)).rate);
      const result = await round(join(root, `on-${index}`), true);
      on.push(result.rate);
      taken = result.checkpoints;
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.log(`checkpoint overhead: ${MESSAGES} messages over ${ADDRESSES} addresses, median of ${ROUNDS} rounds`);
  console.log(`  checkpoints off:        ${Math.round(median(off)).toLocaleString('en-US')} messages/s`);
  console.log(`  checkpoints every 1 s:  ${Math.round(median(on)).toLocaleString('en-US')} messages/s (${taken} checkpoints in the last round)`);
  console.log(`  ratio: ${(median(on) / median(off)).toFixed(2)}× (target ≥ 0.9×)`);
}

void main();
