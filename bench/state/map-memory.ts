// Resident memory of the runtime while 100,000 addresses each hold a 100-entry map (embedded
// mode, the maps stored entry by entry in RocksDB): the maps are filled in waves of one message
// per address, with checkpoints every second; then, after a final checkpoint, RSS is read once
// the process is at rest (see memoryAtRest), next to the peak while filling. Run with
// --expose-gc (the README's command does).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime } from '@keyflow/runtime';
import { functions } from './map-functions';
import { AnswerEgress, PacedIngress } from './paced-loop';

const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 100_000);
const ENTRIES = Number(process.env['BENCH_ENTRIES'] ?? 100);
/** Messages in flight at once while filling (the dispatcher's default queue bound is 10,000). */
const WAVE = 2_000;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Sends `fill:<ENTRIES>` to addresses `from` … `to - 1` and resolves when all have answered. */
function fillWave(ingress: PacedIngress, egress: AnswerEgress, from: number, to: number): Promise<void> {
  return new Promise((resolve) => {
    let waiting = to - from;
    egress.onAnswer(() => {
      if (--waiting === 0) resolve();
    });
    for (let address = from; address < to; address++) ingress.send('bench/map-state', `a${address}`, `fill:${ENTRIES}`);
  });
}

/**
 * The process's memory once it holds the maps and nothing else happens: right after the fill,
 * V8 still has the heap it grew to and RocksDB its last flush and compaction under way, which
 * both give back within seconds. Reads memory (after a GC) once a second until RSS stops
 * falling (less than 1 % over three readings), at most 60 s.
 */
async function memoryAtRest(): Promise<{ rest: NodeJS.MemoryUsage; seconds: number }> {
  const readings: NodeJS.MemoryUsage[] = [];
  for (let second = 1; second <= 60; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    (globalThis as { gc?: () => void }).gc?.();
    readings.push(process.memoryUsage());
    const latest = readings[readings.length - 1] as NodeJS.MemoryUsage;
    const earlier = readings[readings.length - 4];
    if (earlier !== undefined && earlier.rss - latest.rss < earlier.rss / 100) return { rest: latest, seconds: second };
  }
  return { rest: readings[readings.length - 1] as NodeJS.MemoryUsage, seconds: 60 };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-state-memory-'));
  try {
    const ingress = new PacedIngress();
    const egress = new AnswerEgress();
    const runtime = await KeyflowRuntime.start({
      module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
      stateDir: join(root, 'state'),
      functions,
      ingresses: [ingress],
      egresses: [egress],
      logger: silentLogger,
      checkpointIntervalMs: 1_000,
    });
    const before = process.memoryUsage().rss;
    const started = performance.now();
    let peak = before;
    for (let from = 0; from < ADDRESSES; from += WAVE) {
      await fillWave(ingress, egress, from, Math.min(ADDRESSES, from + WAVE));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const fillSeconds = (performance.now() - started) / 1000;
    await runtime.checkpoint();
    (globalThis as { gc?: () => void }).gc?.();
    const afterFill = process.memoryUsage().rss;
    const { rest: after, seconds: restSeconds } = await memoryAtRest();
    const stateBytes = await runtime.approximateStateBytes();
    await runtime.stop();
    console.log(`state memory: ${ADDRESSES.toLocaleString('en-US')} addresses × a ${ENTRIES}-entry @MapSpec, embedded mode`);
    console.log('');
    console.log('| measure | value |');
    console.log('|---|---:|');
    console.log(`| RSS before filling | ${mib(before)} |`);
    console.log(`| RSS peak while filling (sampled per wave of ${WAVE.toLocaleString('en-US')}) | ${mib(peak)} |`);
    console.log(`| RSS right after a final checkpoint and GC | ${mib(afterFill)} |`);
    console.log(`| RSS at rest (${restSeconds} s later, holding the maps) | ${mib(after.rss)} |`);
    console.log(`| V8 heap used then | ${mib(after.heapUsed)} |`);
    console.log(`| V8 heap committed then | ${mib(after.heapTotal)} |`);
    console.log(`| outside the V8 heap: buffers, native (external) | ${mib(after.external)} |`);
    console.log(`| RocksDB size (approximate) | ${mib(stateBytes)} |`);
    console.log(`| fill time | ${fillSeconds.toFixed(1)} s |`);
    console.log('');
    console.log(`RSS at rest holding the maps: ${mib(after.rss)} (issue #17 target: < 1 GiB) — ${after.rss < 1024 ** 3 ? 'met' : 'not met'}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

void main();
