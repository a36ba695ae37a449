import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, spawnBenchScript } from '../runtime/child-process';
import { measureFdatasync } from './fdatasync-anchor';
import { runLoad, type LoadResult } from './load';
import { freePort } from '../free-port';

// Request→reply through the HTTP ingress with an embedded function, each reply released only
// once durable (the fast local commit), against two anchors measured in the same run: one
// fdatasync'd append of a record of the same size on the same file system (the issue's
// physical limit), and a bare Node HTTP server answering at once under the same load (what
// HTTP alone costs here).
// Usage: npx tsx bench/request-reply/main.ts [--quick]

const QUICK = process.argv.includes('--quick');
const DURATION_MS = QUICK ? 3_000 : 10_000;
/** An ingress log record of one such request: header, key, time, envelope, fingerprint. */
const RECORD_BYTES = 96;
const CLIENTS = 64;
const PACED_PER_SECOND = 2_000;

interface Phases {
  readonly single: LoadResult;
  readonly paced: LoadResult;
  readonly flatOut: LoadResult;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-request-reply-'));
  try {
    const floor = await measureServer('../request-reply/http-floor-side.ts', []);
    const runtime = await measureServer('../request-reply/runtime-side.ts', [join(dir, 'state')]);
    const sync = measureFdatasync(dir, RECORD_BYTES, QUICK ? 1_000 : 5_000);

    console.log(`fdatasync of a ${RECORD_BYTES}-byte append: p50 ${ms(sync.p50)}, p99 ${ms(sync.p99)}`);
    const row = (name: string, result: LoadResult, anchor: LoadResult): string =>
      `${name.padEnd(22)} ${result.perSecond.toFixed(0).padStart(6)} req/s` +
      `   p50 ${ms(result.p50)} (${times(result.p50, sync.p50)} fdatasync, ${times(result.p50, anchor.p50)} bare HTTP)` +
      `   p99 ${ms(result.p99)} (${times(result.p99, sync.p50)} fdatasync p50, ${times(result.p99, sync.p99)} its p99)` +
      `   failures ${result.failures}, held back ${result.heldBack}`;
    for (const [name, phases] of [['bare Node HTTP', floor], ['Keyflow runtime', runtime]] as const) {
      console.log(`${name}:`);
      console.log(row('  1 client', phases.single, floor.single));
      console.log(row(`  ${CLIENTS} clients, ${PACED_PER_SECOND.toLocaleString('en')}/s`, phases.paced, floor.paced));
      console.log(row(`  ${CLIENTS} clients, flat out`, phases.flatOut, floor.flatOut));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts a server script in its own process on a free port, runs the three phases against it, and stops it. */
async function measureServer(script: string, args: readonly string[]): Promise<Phases> {
  const port = await freePort();
  const server = spawnBenchScript(script, [String(port), ...args]);
  try {
    await firstLine(server);
    await runLoad(port, CLIENTS, 1_000); // warm-up
    const single = await runLoad(port, 1, DURATION_MS);
    const paced = await runLoad(port, CLIENTS, DURATION_MS, PACED_PER_SECOND);
    const flatOut = await runLoad(port, CLIENTS, DURATION_MS);
    return { single, paced, flatOut };
  } finally {
    await stop(server);
  }
}

/** Stops a server's process, or resolves at once when it has already exited (it failed mid-run). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const ms = (value: number): string => `${value.toFixed(3)} ms`;
const times = (value: number, anchor: number): string => `${(value / anchor).toFixed(1)}×`;

void main();
