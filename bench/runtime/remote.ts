// Remote throughput: messages through the runtime to an HTTP function service (its own
// process), against the same service driven by a raw keep-alive HTTP load generator with
// pre-encoded requests of the same batch size. One run; prints messages/s and the ratio
// (target ≥ 0.6), and the mean batch size with 1,000 messages queued across 100 addresses
// (target ≥ 10).
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

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 100_000);
const ADDRESSES = Number(process.env['BENCH_ADDRESSES'] ?? 1_000);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);

async function runtimeRun(port: number, dir: string, messages: number, addresses: number): Promise<{ rate: number; meanBatch: number }> {
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
  const started = performance.now();
  const runtime = await KeyflowRuntime.start({
    module,
    stateDir: dir,
    ingresses: [ingress],
    egresses: [egress],
    logger: silentLogger,
    checkpointIntervalMs: 1_000,
  });
  await egress.until(messages);
  const seconds = (performance.now() - started) / 1000;
  const stats = runtime.stats();
  await runtime.stop();
  return { rate: messages / seconds, meanBatch: stats.invocations / stats.batches };
}

/** The raw anchor: pre-encoded requests of `batchSize` invocations, `CONNECTIONS` at a time. */
async function rawRun(port: number, messages: number, batchSize: number, addresses: number): Promise<number> {
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
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return (requests * batchSize) / seconds;
}

async function main(): Promise<void> {
  const service = spawnBenchScript('function-service.ts', ['0']);
  const root = await mkdtemp(join(tmpdir(), 'keyflow-bench-remote-'));
  try {
    const { port } = JSON.parse(await firstLine(service)) as { port: number };
    await rawRun(port, 20_000, 1, ADDRESSES); // warm-up
    await runtimeRun(port, join(root, 'warm'), 20_000, ADDRESSES);

    const runtime = await runtimeRun(port, join(root, 'run'), MESSAGES, ADDRESSES);
    const batchSize = Math.max(1, Math.round(runtime.meanBatch));
    const raw = await rawRun(port, MESSAGES, batchSize, ADDRESSES);
    const rawSingle = await rawRun(port, MESSAGES, 1, ADDRESSES);
    const burst = await runtimeRun(port, join(root, 'burst'), 1_000, 100);

    console.log(`remote: ${MESSAGES} messages over ${ADDRESSES} addresses, function service in its own process, ${CONNECTIONS} connections`);
    console.log(`  keyflow runtime → HTTP function service: ${Math.round(runtime.rate).toLocaleString('en-US')} messages/s (mean batch ${runtime.meanBatch.toFixed(1)})`);
    console.log(`  raw keep-alive HTTP, pre-encoded batches of ${batchSize} (like for like): ${Math.round(raw).toLocaleString('en-US')} messages/s — ratio ${(runtime.rate / raw).toFixed(2)}× (target ≥ 0.6×)`);
    console.log(`  raw keep-alive HTTP, pre-encoded single-invocation requests: ${Math.round(rawSingle).toLocaleString('en-US')} messages/s — ratio ${(runtime.rate / rawSingle).toFixed(2)}×`);
    console.log(`  mean batch size, 1,000 messages queued across 100 addresses: ${burst.meanBatch.toFixed(1)} (target ≥ 10)`);
  } finally {
    service.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

void main();
