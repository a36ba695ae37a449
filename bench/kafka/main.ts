// Kafka pipeline throughput: Kafka → function (embedded) → Kafka through Keyflow, at-least-once
// and exactly-once (1 s checkpoints), against a raw kafkajs eachBatch consume→produce
// passthrough of the same records. All in one run, alternating, on one local broker.
//
//   npx tsx bench/kafka/main.ts                 # starts its own broker with tools/kafka/kafka.sh
//   KAFKA_BOOTSTRAP=127.0.0.1:19092 npx tsx bench/kafka/main.ts
//
// Environment: BENCH_RECORDS (default 400000), BENCH_KEYS (10000), BENCH_VALUE_BYTES (100),
// BENCH_PARTITIONS (3), BENCH_ROUNDS (5), BENCH_CHECKPOINT_MS (1000).
//
// This launcher runs run.ts under `node --import tsx` with bench/tsconfig.json, which turns on the
// legacy decorators of the benchmark's function and resolves workspace packages to their sources.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const result = spawnSync(process.execPath, ['--expose-gc', '--conditions=@keyflow/source', '--import', 'tsx', resolve(__dirname, 'run.ts')], {
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '../tsconfig.json') },
});
process.exitCode = result.status ?? 1;
