// Memory: resident set size while 1,000,000 distinct addresses each hold state (target
// < 1 GiB). Every address gets one message through the embedded runtime; state goes to
// RocksDB through checkpoints, and only a bounded cache stays in memory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { functions } from './bench-functions';
import { CountingEgress } from './counting-egress';

const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000_000);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-memory-'));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const egress = new CountingEgress('bench/out');
    const runtime = await KeyflowRuntime.start({
      module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
      stateDir: dir,
      functions,
      ingresses: [new BenchIngress(ADDRESSES, ADDRESSES)],
      egresses: [egress],
      logger: silentLogger,
      checkpointIntervalMs: 1_000,
      maxQueuedMessages: Number(process.env['BENCH_MAX_QUEUED'] ?? 10_000),
    });
    const started = performance.now();
    await egress.until(ADDRESSES);
    await runtime.checkpoint();
    const seconds = (performance.now() - started) / 1000;
    global.gc?.();
    const settled = process.memoryUsage();
    peak = Math.max(peak, settled.rss);
    console.log(`memory: ${ADDRESSES.toLocaleString('en-US')} distinct addresses, each holding state (${seconds.toFixed(1)} s)`);
    console.log(`  RSS after all state is written: ${mib(settled.rss)} (heap used ${mib(settled.heapUsed)}), peak ${mib(peak)}, baseline ${mib(baseline)}`);
    console.log(`  target: < 1024 MiB — ${peak < 1024 * 1024 * 1024 ? 'met' : 'NOT met'}`);
    await runtime.stop();
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
