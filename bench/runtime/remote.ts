// Remote throughput: messages through the runtime to an HTTP function service (its own
// process), against the same service driven by a raw keep-alive HTTP load generator with
// pre-encoded requests of the same batch size (like for like). The two alternate for
// BENCH_ROUNDS rounds, so that other load on the machine affects both alike; it prints the
// medians, the median of the per-round ratios (target ≥ 0.6), the CPU time per request of each
// process, and the mean batch size with 1,000 messages queued across 100 addresses (target ≥ 10).
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, silentLogger } from '@keyflow/sdk';
import { encodeToFunction, type PbInvocationBatchRequest } from '@keyflow/sdk/protocol';
import { KeyflowRuntime, parseModule } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { firstLine, spawnBenchScript } from './child-process';
import { CountingEgress } from './counting-egress';
import { ownCpuMicros, processCpuMicros } from './process-cpu';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 100_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

/** One timed run: messages per second, requests sent, and CPU microseconds per request. */
interface Run {
  readonly rate: number;
  readonly requests: number;
  /** The measuring process: the runtime, or the raw load generator. */
  readonly clientCpuPerRequest: number;
  /** The function service process (NaN where its CPU time cannot be read). */
  readonly serviceCpuPerRequest: number;
}

/** Measures `work` (which returns how many messages and requests it completed). */
async function timed(servicePid: number | undefined, work: () => Promise<{ messages: number; requests: number }>): Promise<Run> {
  const serviceBefore = processCpuMicros(servicePid);
  const cpuBefore = ownCpuMicros();
  const started = performance.now();
  const { messages, requests } = await work();
  const seconds = (performance.now() - started) / 1000;
  const clientCpu = ownCpuMicros() - cpuBefore;
  const serviceAfter = processCpuMicros(servicePid);
  const serviceCpu = serviceBefore === undefined || serviceAfter === undefined ? NaN : serviceAfter - serviceBefore;
  return { rate: messages / seconds, requests, clientCpuPerRequest: clientCpu / requests, serviceCpuPerRequest: serviceCpu / requests };
}

async function runtimeRun(port: number, dir: string, messages: number, addresses: number, servicePid?: number): Promise<Run & { meanBatch: number }> {
  const egress = new CountingEgress('bench/out');
  const ingress = new BenchIngress(messages, addresses);
  const module = parseModule(
    `kind: io.statefun.endpoints.v2/http
spec:
  functions: bench/*
  urlPathTemplate: http://127.0.0.1:${port}/statefun
  transport:
    pool_size: ${CONNECTIONS}
`,
    join(dir, 'module.yaml'),
  );
  let meanBatch = 0;
  let runtime: KeyflowRuntime | undefined;
  // Timed from before the start, as before rounds existed: opening RocksDB counts against the runtime.
  const run = await timed(servicePid, async () => {
    runtime = await KeyflowRuntime.start({
      module,
      stateDir: dir,
      ingresses: [ingress],
      egresses: [egress],
      logger: silentLogger,
      checkpointIntervalMs: 1_000,
    });
    await egress.until(messages);
    const stats = runtime.stats();
    meanBatch = stats.invocations / stats.batches;
    return { messages, requests: stats.batches };
  });
  await runtime?.stop();
  return { ...run, meanBatch };
}

/** The raw anchor: pre-encoded requests of `batchSize` invocations, `CONNECTIONS` at a time. */
async function rawRun(port: number, messages: number, batchSize: number, addresses: number, servicePid?: number): Promise<Run> {
  const argument = { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('x'.repeat(16)) };
  const bodies: Uint8Array[] = [];
  for (let address = 0; address < Math.min(addresses, 256); address++) {
    const batch: PbInvocationBatchRequest = {
      target: { namespace: 'bench', type: 'counter', id: String(address) },
      state: [{ stateName: 'count', stateValue: { typename: Types.int.typename, hasValue: true, value: Types.int.serialize(address) } }],
      invocations: Array.from({ length: batchSize }, () => ({ caller: undefined, argument })),
    };
    bodies.push(Buffer.from(encodeToFunction(batch)));
  }
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const requests = Math.ceil(messages / batchSize);
  let issued = 0;
  const post = (body: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/statefun', method: 'POST', agent, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length } },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (issued < requests) {
      const index = issued++;
      await post(bodies[index % bodies.length] as Uint8Array);
    }
  };
  const run = await timed(servicePid, async () => {
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    return { messages: requests * batchSize, requests };
  });
  agent.destroy();
  return run;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const perSecond = (rate: number): string => Math.round(rate).toLocaleString('en-US');
const micros = (value: number): string => (Number.isNaN(value) ? '?' : `${Math.round(value)} µs`);

async function main(): Promise<void> {
  const service = spawnBenchScript('function-service.ts', ['0']);
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-remote-'));
  try {
    const { port } = JSON.parse(await firstLine(service)) as { port: number };
    const pid = service.pid;
    await rawRun(port, 20_000, 1, ADDRESSES); // warm-up
    await runtimeRun(port, join(root, 'warm'), 20_000, ADDRESSES);

    const runtimes: (Run & { meanBatch: number })[] = [];
    const raws: Run[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runtime = await runtimeRun(port, join(root, `run-${round}`), MESSAGES, ADDRESSES, pid);
      const raw = await rawRun(port, MESSAGES, Math.max(1, Math.round(runtime.meanBatch)), ADDRESSES, pid);
      runtimes.push(runtime);
      raws.push(raw);
      ratios.push(runtime.rate / raw.rate);
    }
    const meanBatch = median(runtimes.map((run) => run.meanBatch));
    const batchSize = Math.max(1, Math.round(meanBatch));
    const rawSingle = await rawRun(port, MESSAGES, 1, ADDRESSES);
    const burst = await runtimeRun(port, join(root, 'burst'), 1_000, 100);

    const medianOf = (runs: readonly Run[], key: keyof Run) => median(runs.map((run) => run[key]));
    const runtimeRate = medianOf(runtimes, 'rate');
    console.log(`remote: ${MESSAGES} messages over ${ADDRESSES} addresses, function service in its own process, ${CONNECTIONS} connections, medians of ${ROUNDS} alternating rounds`);
    console.log(
      `  keyflow runtime → HTTP function service: ${perSecond(runtimeRate)} messages/s (mean batch ${meanBatch.toFixed(1)}); ` +
        `CPU per request: runtime ${micros(medianOf(runtimes, 'clientCpuPerRequest'))}, service ${micros(medianOf(runtimes, 'serviceCpuPerRequest'))}`,
    );
    console.log(
      `  raw keep-alive HTTP, pre-encoded batches of ${batchSize} (like for like): ${perSecond(medianOf(raws, 'rate'))} messages/s — ` +
        `ratio ${median(ratios).toFixed(2)}× (target ≥ 0.6×; rounds: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}); ` +
        `CPU per request: load generator ${micros(medianOf(raws, 'clientCpuPerRequest'))}, service ${micros(medianOf(raws, 'serviceCpuPerRequest'))}`,
    );
    console.log(`  raw keep-alive HTTP, pre-encoded single-invocation requests: ${perSecond(rawSingle.rate)} messages/s — ratio ${(runtimeRate / rawSingle.rate).toFixed(2)}×`);
    console.log(`  mean batch size, 1,000 messages queued across 100 addresses: ${burst.meanBatch.toFixed(1)} (target ≥ 10)`);
  } finally {
    service.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

void main();
