// The cost of the runtime's Prometheus metrics: the embedded path (ingress → function →
// RocksDB-backed state → egress) with metrics off — the anchor — and on, alternating round by
// round in one run. Prints messages/s of both, the ratio of the medians and the median of the
// per-round ratios (each round runs both back to back: robust to a machine whose load drifts).
// Target: on within 5 % of off.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { functions } from './bench-functions';
import { CountingEgress } from './counting-egress';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);

async function round(dir: string, metrics: boolean): Promise<number> {
  const egress = new CountingEgress('bench/out');
  const runtime = await KeyflowRuntime.start({
    module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
    stateDir: dir,
    functions,
    ingresses: [new BenchIngress(MESSAGES, ADDRESSES)],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
    metrics,
  });
  const started = performance.now();
  await egress.until(MESSAGES);
  await runtime.checkpoint();
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  return MESSAGES / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-metrics-'));
  const off: number[] = [];
  const on: number[] = [];
  try {
    for (let index = 0; index < ROUNDS; index++) {
      // Alternate which goes first, so that a drift of the machine's load hits both alike.
      const order = index % 2 === 0 ? [false, true] : [true, false];
      for (const metrics of order) (metrics ? on : off).push(await round(join(root, `${metrics ? 'on' : 'off'}-${index}`), metrics));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
  console.log(`metrics overhead: ${MESSAGES.toLocaleString('en-US')} messages over ${ADDRESSES.toLocaleString('en-US')} addresses, embedded, median of ${ROUNDS} alternating rounds`);
  const ratios = on.map((value, index) => value / (off[index] as number));
  console.log(`  metrics off (anchor) ${rate(median(off))} messages/s, metrics on ${rate(median(on))} messages/s`);
  console.log(`  ratio of medians ${(median(on) / median(off)).toFixed(3)}×, median of per-round ratios ${median(ratios).toFixed(3)}× (target ≥ 0.95×)`);
}

void main();
