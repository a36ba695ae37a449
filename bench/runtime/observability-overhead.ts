// The cost of seeing inside the runtime: the embedded path (ingress → function → RocksDB-backed
// state → egress) with metrics and traces off — the anchor — then with Prometheus metrics on,
// then with metrics on and OpenTelemetry traces exported over OTLP at a 1 % sample ratio (to a
// receiver in its own process, as a collector would be, that takes the spans and drops them).
//
// Each variant runs in a process of its own that keeps its runtime for the whole run, as an app
// does: the cost measured is the one a running app pays, not its start. (With a new runtime per
// round in one process, V8 threw away the compiled code that referred to the last round's objects
// and compiled it again in every round; traces, the most code, paid that most.) The parent has the
// three process rounds in turn, rotating who goes first, in several epochs of fresh processes
// (a process's own luck — where its code and heap landed — is shared out between variants), and
// prints the messages/s and CPU time per message of each and, against the anchor, the ratio of the
// medians, the median of the per-round ratios (each round runs all three back to back: robust to
// a machine whose load drifts) and the median extra CPU time per message.
// Targets: metrics within 5 % of the anchor, metrics and traces within 10 %.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBenchWorker } from './child-process';
import type { VariantCommand, VariantKind, VariantReport } from './observability-variant';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000);
const EPOCHS = Number(process.env['BENCH_EPOCHS'] ?? 15);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SAMPLE_RATIO = 0.01;

interface Variant {
  readonly name: string;
  readonly kind: VariantKind;
}

const VARIANTS: readonly Variant[] = [
  { name: 'off (anchor)', kind: 'off' },
  { name: 'metrics', kind: 'metrics' },
  { name: `metrics + traces at ${SAMPLE_RATIO * 100} %`, kind: 'traces' },
];

/** One round: its rate, and the variant's process's CPU time per message (all its threads, RocksDB's included). */
interface RoundResult {
  readonly perSecond: number;
  readonly cpuMicrosPerMessage: number;
}

/** A variant's process, asked for one round at a time. */
class VariantProcess {
  #answer: ((report: VariantReport) => void) | undefined;
  readonly #ready: Promise<VariantReport>;

  constructor(private readonly child: ChildProcess) {
    this.#ready = this.#nextReport();
    child.on('message', (report: VariantReport) => this.#answer?.(report));
    child.once('exit', (code) => {
      if (code !== 0) {
        console.error(`a variant's process exited with ${code}`);
        process.exit(1);
      }
    });
  }

  async ready(): Promise<void> {
    await this.#ready;
  }

  async round(): Promise<RoundResult> {
    const answer = this.#nextReport();
    this.child.send('round' satisfies VariantCommand);
    const report = await answer;
    if (!('seconds' in report)) throw new Error(`a variant's process answered a round with ${JSON.stringify(report)}`);
    return { perSecond: MESSAGES / report.seconds, cpuMicrosPerMessage: report.cpuMicros / MESSAGES };
  }

  stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send('stop' satisfies VariantCommand);
    return exited;
  }

  #nextReport(): Promise<VariantReport> {
    return new Promise((resolve) => (this.#answer = resolve));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-observability-'));
  const receiver = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => receiver.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  const endpoint = `http://127.0.0.1:${port}/v1/traces`;
  const results = VARIANTS.map(() => [] as RoundResult[]);
  try {
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const processes = VARIANTS.map(
        (variant, which) =>
          new VariantProcess(
            spawnBenchWorker('observability-variant.ts', [String(MESSAGES), String(ADDRESSES), join(root, `${epoch}-${which}`), variant.kind, endpoint, String(SAMPLE_RATIO)]),
          ),
      );
      await Promise.all(processes.map((child) => child.ready()));
      // A first round each, not counted: the process compiles its code and fills its state.
      for (const child of processes) await child.round();
      for (let index = 0; index < ROUNDS; index++) {
        // Rotate which goes first, so that a drift of the machine's load hits all alike.
        for (let turn = 0; turn < VARIANTS.length; turn++) {
          const which = (epoch + index + turn) % VARIANTS.length;
          (results[which] as RoundResult[]).push(await (processes[which] as VariantProcess).round());
        }
      }
      await Promise.all(processes.map((child) => child.stop()));
      console.log(`  epoch ${epoch + 1} of ${EPOCHS} done`);
    }
  } finally {
    receiver.kill();
    await rm(root, { recursive: true, force: true });
  }
  const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
  const anchor = (results[0] as RoundResult[]).map((result) => result.perSecond);
  const anchorCpu = (results[0] as RoundResult[]).map((result) => result.cpuMicrosPerMessage);
  console.log(
    `observability overhead: rounds of ${MESSAGES.toLocaleString('en-US')} messages over ${ADDRESSES.toLocaleString('en-US')} addresses, embedded, a process per variant, median of ${EPOCHS} × ${ROUNDS} rotating rounds`,
  );
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

/** An OTLP/HTTP receiver that answers 200 and drops what it gets; prints its port; exits with its parent (its stdin closes). */
const RECEIVER = `
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

void main();
