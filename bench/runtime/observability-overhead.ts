// The cost of seeing inside the runtime: the embedded path (ingress → function → RocksDB-backed
// state → egress) with metrics and traces off — the anchor — then with Prometheus metrics on,
// then with metrics on and OpenTelemetry traces exported over OTLP at a 1 % sample ratio (to a
// receiver in its own process, as a collector would be, that takes the spans and drops them), the
// three alternating round by round in one run. Prints messages/s and process CPU time per message
// of each and, against the anchor, the ratio of the medians, the median of the per-round ratios
// (each round runs all three back to back: robust to a machine whose load drifts) and the median
// extra CPU time per message. Run with --expose-gc (the README's command): each round then starts
// from a collected heap. Targets: metrics within 5 % of the anchor, metrics and traces within 10 %.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime, type TracingOptions } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { functions } from './bench-functions';
import { CountingEgress } from './counting-egress';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const SAMPLE_RATIO = 0.01;

interface Variant {
  readonly name: string;
  readonly metrics: boolean;
  readonly tracing: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'off (anchor)', metrics: false, tracing: false },
  { name: 'metrics', metrics: true, tracing: false },
  { name: `metrics + traces at ${SAMPLE_RATIO * 100} %`, metrics: true, tracing: true },
];

/** One round: its rate, and the process's CPU time per message (all threads, RocksDB's included). */
interface RoundResult {
  readonly perSecond: number;
  readonly cpuMicrosPerMessage: number;
}

async function round(dir: string, variant: Variant, tracing: TracingOptions): Promise<RoundResult> {
  const egress = new CountingEgress('bench/out');
  const runtime = await KeyflowRuntime.start({
    module: { files: [], components: [], endpoints: [], sidecars: [], httpIngresses: [], fileEgresses: [] },
    stateDir: dir,
    functions,
    ingresses: [new BenchIngress(MESSAGES, ADDRESSES)],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
    metrics: variant.metrics,
    ...(variant.tracing ? { tracing } : {}),
  });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await egress.until(MESSAGES);
  await runtime.checkpoint();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await runtime.stop();
  return { perSecond: MESSAGES / seconds, cpuMicrosPerMessage: (cpu.user + cpu.system) / MESSAGES };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-observability-'));
  const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => receiver.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  const tracing = { otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`, sampleRatio: SAMPLE_RATIO };
  const results = VARIANTS.map(() => [] as RoundResult[]);
  try {
    for (let index = 0; index < ROUNDS; index++) {
      // Rotate which goes first, so that a drift of the machine's load hits all alike.
      for (let turn = 0; turn < VARIANTS.length; turn++) {
        const which = (index + turn) % VARIANTS.length;
        // Each round starts from a collected heap (with --expose-gc, as the README runs it): the
        // garbage of one variant's round is not paid in the next one's.
        (globalThis as { gc?: () => void }).gc?.();
        const dir = join(root, `${which}-${index}`);
        (results[which] as RoundResult[]).push(await round(dir, VARIANTS[which] as Variant, tracing));
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    receiver.kill();
    await rm(root, { recursive: true, force: true });
  }
  const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
  const anchor = (results[0] as RoundResult[]).map((result) => result.perSecond);
  const anchorCpu = (results[0] as RoundResult[]).map((result) => result.cpuMicrosPerMessage);
  console.log(`observability overhead: ${MESSAGES.toLocaleString('en-US')} messages over ${ADDRESSES.toLocaleString('en-US')} addresses, embedded, median of ${ROUNDS} rotating rounds`);
  for (const [which, variant] of VARIANTS.entries()) {
    const mine = (results[which] as RoundResult[]).map((result) => result.perSecond);
    const cpu = (results[which] as RoundResult[]).map((result) => result.cpuMicrosPerMessage);
    const ratios = mine.map((value, index) => value / (anchor[index] as number));
    // The CPU time a message costs beyond the anchor's, round by round: steadier than the rates.
    const extraCpu = cpu.map((value, index) => value - (anchorCpu[index] as number));
    const against =
      which === 0
        ? ''
        : `: ratio of medians ${(median(mine) / median(anchor)).toFixed(3)}×, median of per-round ratios ${median(ratios).toFixed(3)}× (target ≥ ${which === 1 ? '0.95' : '0.90'}×); ${median(extraCpu) >= 0 ? '+' : ''}${median(extraCpu).toFixed(2)} µs CPU per message`;
    console.log(`  ${variant.name.padEnd(26)} ${rate(median(mine)).padStart(9)} messages/s, ${median(cpu).toFixed(2)} µs CPU per message${against}`);
  }
}

/** An OTLP/HTTP receiver that answers 200 and drops what it gets; prints its port. */
const RECEIVER = `
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

void main();
