// Benchmark: Keyflow's request handler against the official StateFun JS SDK's, on identical
// pre-encoded requests (one int state value, one message in and one out per invocation), at
// batches of 1, 10 and 100 invocations.
//
//   npx tsx bench/sdk-handler/main.ts [--quick] [--no-http] [--profile]
//
// Every measurement runs in a fresh process, one SDK at a time, so neither SDK's JIT state or
// garbage affects the other. Those processes load the sdk from its TypeScript sources (the
// `@keyflow/source` export condition) with bench/tsconfig.json (legacy decorators); this
// orchestrating process imports no SDK code, so it needs neither.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HttpResult } from './http-load';
import type { InProcessResult } from './in-process';
import { DEFAULT_TIMING, QUICK_TIMING } from './timing';

const SDKS = ['keyflow', 'official'] as const;
const BATCH_SIZES = [1, 10, 100] as const;
const HTTP_CONCURRENCY = 16;
const ROOT = resolve(__dirname, '../..');
const PROFILE_DIR = resolve(__dirname, '../.profiles');

const args = new Set(process.argv.slice(2));
const timing = args.has('--quick') ? QUICK_TIMING : DEFAULT_TIMING;

function start(script: string, scriptArgs: readonly string[], nodeArgs: readonly string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@keyflow/source', '--import', 'tsx', ...nodeArgs, join(__dirname, script), ...scriptArgs],
    {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '../tsconfig.json') },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
}

/** The first JSON line the child prints. */
function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolveLine(JSON.parse(buffered.slice(0, newline)) as T);
    });
    child.on('exit', (code) => reject(new Error(`benchmark process exited with ${code} before reporting`)));
    child.on('error', reject);
  });
}

async function run<T>(script: string, scriptArgs: readonly string[], nodeArgs: readonly string[] = []): Promise<T> {
  const child = start(script, scriptArgs, nodeArgs);
  child.stdin?.end();
  return firstLine<T>(child);
}

async function inProcess(): Promise<Record<string, InProcessResult>> {
  const profile = args.has('--profile');
  if (profile) mkdirSync(PROFILE_DIR, { recursive: true });
  const results: Record<string, InProcessResult> = {};
  for (const sdk of SDKS) {
    const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${sdk}-${Date.now()}.cpuprofile`] : [];
    results[sdk] = await run<InProcessResult>('in-process.ts', [sdk, JSON.stringify(timing)], nodeArgs);
  }
  if (profile) console.log(`CPU profiles written to ${PROFILE_DIR}`);
  return results;
}

async function overHttp(): Promise<Record<string, HttpResult>> {
  const results: Record<string, HttpResult> = {};
  for (const sdk of SDKS) {
    const server = start('http-server.ts', [sdk]);
    try {
      const { port } = await firstLine<{ port: number }>(server);
      results[sdk] = await run<HttpResult>('http-load.ts', [String(port), String(HTTP_CONCURRENCY), JSON.stringify(timing)]);
    } finally {
      server.stdin?.end();
    }
  }
  return results;
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US').padStart(12);

function table(title: string, keyflow: Record<number, number>, official: Record<number, number>): void {
  console.log(`\n${title}`);
  console.log(`${'batch'.padEnd(7)}${'Keyflow inv/s'.padStart(15)}${'official inv/s'.padStart(16)}${'ratio'.padStart(8)}`);
  for (const size of BATCH_SIZES) {
    const ours = (keyflow[size] ?? 0) * size;
    const theirs = (official[size] ?? 0) * size;
    console.log(`${String(size).padEnd(7)}${format(ours).padStart(15)}${format(theirs).padStart(16)}${`${(ours / theirs).toFixed(2)}×`.padStart(8)}`);
  }
  console.log(`requests/s at batch 1: Keyflow ${format(keyflow[1] ?? 0).trim()}, official ${format(official[1] ?? 0).trim()}`);
}

async function main(): Promise<void> {
  console.log(
    `sdk-handler benchmark: node ${process.version}, warm-up ${timing.warmupMs} ms, median of ${timing.rounds} rounds of ${timing.roundMs} ms`,
  );
  const local = await inProcess();
  table(
    'In process (handler functions only: ToFunction bytes in, FromFunction bytes out, no HTTP)',
    local['keyflow']?.requestsPerSecond ?? {},
    local['official']?.requestsPerSecond ?? {},
  );
  if (!args.has('--no-http')) {
    const http = await overHttp();
    table(
      `Over HTTP (loopback, keep-alive, ${HTTP_CONCURRENCY} requests in flight, load generator in its own process)`,
      http['keyflow']?.requestsPerSecond ?? {},
      http['official']?.requestsPerSecond ?? {},
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
