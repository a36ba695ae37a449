// Benchmark: Keyflow's request handler against the official StateFun JS SDK's, on identical
// pre-encoded requests (one int state value, one message in and one out per invocation), at
// batches of 1, 10 and 100 invocations; first in process (handler functions only), then over
// HTTP.
//
//   npx tsx bench/sdk-handler/main.ts [--quick] [--no-http] [--profile] [--source]
//
// Each SDK runs in a process of its own, so neither's JIT state or garbage affects the other,
// and the two are measured in alternating rounds (round by round, in alternating order), so a
// change in machine load hits both alike. Reported: the median over the rounds, and the median
// of the per-round ratios.
//
// Keyflow is measured as it ships: the sdk is built first (tsc -b, as `nx run sdk:build`) and
// loaded from dist, as the official SDK is loaded from its published tsc output. With --source
// it is loaded from its TypeScript sources instead (the `@keyflow/source` export condition,
// compiled on the fly by tsx, whose CommonJS exports are getters: a little slower). Either way
// the bench's own files need bench/tsconfig.json (legacy decorators); this process imports no
// SDK code, so it needs nothing.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { RoundRequest, RoundResult } from './round-protocol';
import { DEFAULT_TIMING, QUICK_TIMING, median, type TimingOptions } from './timing';

const SDKS = ['keyflow', 'official'] as const;
type Sdk = (typeof SDKS)[number];
const BATCH_SIZES = [1, 10, 100] as const;
const HTTP_CONCURRENCY = 16;
const ROOT = resolve(__dirname, '../..');
const PROFILE_DIR = resolve(__dirname, '../.profiles');

const args = new Set(process.argv.slice(2));
const timing: TimingOptions = args.has('--quick') ? QUICK_TIMING : DEFAULT_TIMING;
const fromSource = args.has('--source');

/** A measuring process (see round-protocol.ts), or any bench process that prints JSON lines. */
class BenchProcess {
  readonly #child: ChildProcess;
  readonly #lines: Interface;
  readonly #waiting: ((line: string) => void)[] = [];

  constructor(script: string, scriptArgs: readonly string[], nodeArgs: readonly string[] = []) {
    this.#child = spawn(
      process.execPath,
      [...(fromSource ? ['--conditions=@keyflow/source'] : []), '--import', 'tsx', ...nodeArgs, join(__dirname, script), ...scriptArgs],
      {
        cwd: ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '../tsconfig.json') },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    this.#lines = createInterface({ input: this.#child.stdout as NodeJS.ReadableStream });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    this.#child.on('exit', (code) => {
      if (this.#waiting.length > 0) {
        console.error(`${script} exited with ${code}`);
        process.exit(1);
      }
    });
  }

  /** The next JSON line the process prints. */
  next<T>(): Promise<T> {
    return new Promise((resolveLine) => this.#waiting.push((line) => resolveLine(JSON.parse(line) as T)));
  }

  async round(size: number, ms: number): Promise<number> {
    const request: RoundRequest = { size, ms };
    const answer = this.next<RoundResult>();
    this.#child.stdin?.write(`${JSON.stringify(request)}\n`);
    return (await answer).rate;
  }

  /** Closes stdin, which ends the process, and waits for it. */
  close(): Promise<void> {
    return new Promise((resolveExit) => {
      this.#child.once('exit', () => resolveExit());
      this.#child.stdin?.end();
    });
  }
}

interface Measurement {
  /** Median requests per second, by SDK and batch size. */
  readonly rates: Record<Sdk, Record<number, number>>;
  /** Median of the per-round Keyflow/official ratios, by batch size. */
  readonly ratios: Record<number, number>;
}

/** Warms both up, then alternates timed rounds between them. */
async function measure(processes: Record<Sdk, BenchProcess>): Promise<Measurement> {
  const rates: Record<Sdk, Record<number, number>> = { keyflow: {}, official: {} };
  const ratios: Record<number, number> = {};
  for (const size of BATCH_SIZES) {
    for (const sdk of SDKS) await processes[sdk].round(size, timing.warmupMs);
    const rounds: Record<Sdk, number[]> = { keyflow: [], official: [] };
    const roundRatios: number[] = [];
    for (let round = 0; round < timing.rounds; round++) {
      const order = round % 2 === 0 ? SDKS : [...SDKS].reverse();
      const rate: Partial<Record<Sdk, number>> = {};
      for (const sdk of order) rate[sdk] = await processes[sdk].round(size, timing.roundMs);
      rounds.keyflow.push(rate.keyflow as number);
      rounds.official.push(rate.official as number);
      roundRatios.push((rate.keyflow as number) / (rate.official as number));
    }
    rates.keyflow[size] = median(rounds.keyflow);
    rates.official[size] = median(rounds.official);
    ratios[size] = median(roundRatios);
  }
  return { rates, ratios };
}

async function inProcess(): Promise<Measurement> {
  const profile = args.has('--profile');
  if (profile) mkdirSync(PROFILE_DIR, { recursive: true });
  const profiling = (sdk: Sdk) =>
    profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${sdk}-${Date.now()}.cpuprofile`] : [];
  const processes = {
    keyflow: new BenchProcess('in-process.ts', ['keyflow'], profiling('keyflow')),
    official: new BenchProcess('in-process.ts', ['official'], profiling('official')),
  };
  try {
    return await measure(processes);
  } finally {
    await Promise.all(SDKS.map((sdk) => processes[sdk].close()));
    if (profile) console.log(`CPU profiles written to ${PROFILE_DIR}`);
  }
}

async function overHttp(): Promise<Measurement> {
  const servers = SDKS.map((sdk) => new BenchProcess('http-server.ts', [sdk]));
  try {
    const ports = await Promise.all(servers.map((server) => server.next<{ port: number }>()));
    const load = (index: number) => new BenchProcess('http-load.ts', [String(ports[index]?.port), String(HTTP_CONCURRENCY)]);
    const processes = { keyflow: load(0), official: load(1) };
    try {
      return await measure(processes);
    } finally {
      await Promise.all(SDKS.map((sdk) => processes[sdk].close()));
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

function table(title: string, { rates, ratios }: Measurement): void {
  console.log(`\n${title}`);
  console.log(`${'batch'.padEnd(7)}${'Keyflow inv/s'.padStart(15)}${'official inv/s'.padStart(16)}${'ratio'.padStart(8)}`);
  for (const size of BATCH_SIZES) {
    const ours = (rates.keyflow[size] ?? 0) * size;
    const theirs = (rates.official[size] ?? 0) * size;
    console.log(
      `${String(size).padEnd(7)}${count(ours).padStart(15)}${count(theirs).padStart(16)}${`${(ratios[size] ?? 0).toFixed(2)}×`.padStart(8)}`,
    );
  }
  console.log(`requests/s at batch 1: Keyflow ${count(rates.keyflow[1] ?? 0)}, official ${count(rates.official[1] ?? 0)}`);
}

/** Builds @keyflow/sdk into packages/sdk/dist, so that the measurement never runs a stale build. */
function buildSdk(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'packages/sdk/tsconfig.lib.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

async function main(): Promise<void> {
  if (!fromSource) buildSdk();
  console.log(
    `sdk-handler benchmark: node ${process.version}, Keyflow from ${fromSource ? 'its TypeScript sources (tsx)' : 'packages/sdk/dist (tsc)'}, ` +
      `warm-up ${timing.warmupMs} ms per SDK and batch size, then ${timing.rounds} alternating rounds of ${timing.roundMs} ms (medians)`,
  );
  table('In process (handler functions only: ToFunction bytes in, FromFunction bytes out, no HTTP)', await inProcess());
  if (!args.has('--no-http')) {
    table(
      `Over HTTP (loopback, keep-alive, ${HTTP_CONCURRENCY} requests in flight from a load generator in its own process)`,
      await overHttp(),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
