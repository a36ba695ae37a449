import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, spawnBenchScript } from '../runtime/child-process';
import { measureFdatasync } from './fdatasync-anchor';
import { runLoad, type LoadResult } from './load';
import { freePort } from '../free-port';

// Request→reply through the HTTP ingress with an embedded function, each reply released only
// once durable (the fast local commit), against its anchor measured in the same run: one
// fdatasync'd append of a record of the same size on the same file system.
// Usage: npx tsx bench/request-reply/main.ts [--quick]

const QUICK = process.argv.includes('--quick');
const DURATION_MS = QUICK ? 3_000 : 10_000;
/** An ingress log record of one such request: header, key, time, envelope, fingerprint. */
const RECORD_BYTES = 96;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-request-reply-'));
  const port = await freePort();
  const runtime = spawnBenchScript('../request-reply/runtime-side.ts', [String(port), join(dir, 'state')]);
  try {
    await firstLine(runtime);
    await runLoad(port, 64, 1_000); // warm-up
    const single = await runLoad(port, 1, DURATION_MS);
    const paced = await runLoad(port, 64, DURATION_MS, 2_000);
    const loaded = await runLoad(port, 64, DURATION_MS);
    const sync = measureFdatasync(dir, RECORD_BYTES, QUICK ? 1_000 : 5_000);

    const row = (name: string, result: LoadResult): string =>
      `${name.padEnd(22)} ${result.perSecond.toFixed(0).padStart(8)} req/s   p50 ${ms(result.p50)} (${(result.p50 / sync.p50).toFixed(1)}× fdatasync)   p99 ${ms(result.p99)} (${(result.p99 / sync.p50).toFixed(1)}× fdatasync p50, ${(result.p99 / sync.p99).toFixed(1)}× its p99)   failures ${result.failures}`;
    console.log(`fdatasync of a ${RECORD_BYTES}-byte append: p50 ${ms(sync.p50)}, p99 ${ms(sync.p99)}`);
    console.log(row('1 client', single));
    console.log(row('64 clients, 2,000/s', paced));
    console.log(row('64 clients, flat out', loaded));
  } finally {
    runtime.kill('SIGTERM');
    await new Promise((resolve) => runtime.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;

void main();
