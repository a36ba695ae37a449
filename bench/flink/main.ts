// One machine: the example app's Kafka workload through `keyflow run` and through a Flink
// StateFun cluster with one TaskManager (`keyflow flink up`), the same function service for
// both, in one run. Prints throughput and ingress-to-egress latency (p50/p99) of each side and
// their ratios.
//
//   npx nx run runtime:build && npx tsx bench/flink/main.ts
//
// Environment: BENCH_RECORDS (default 20000: the throughput batch), BENCH_LATENCY_RECORDS
// (2000), BENCH_LATENCY_RATE (records/s, 200), BENCH_FLINK_PARALLELISM (2: one TaskManager with
// that many slots), BENCH_CHECKPOINT_MS (1000, both sides).
//
// This launcher runs run.ts under `node --import tsx` with bench/tsconfig.json, which turns on the
// legacy decorators of the example functions.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const result = spawnSync(process.execPath, ['--conditions=@keyflow/source', '--import', 'tsx', resolve(__dirname, 'run.ts')], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '../tsconfig.json') },
});
process.exitCode = result.status ?? 1;
