// Profiling aid: only the runtime → HTTP function service path of remote.ts, no raw anchor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { KeyflowRuntime, parseModule } from '@keyflow/runtime';
import { BenchIngress } from './bench-ingress';
import { firstLine, spawnBenchScript } from './child-process';
import { CountingEgress } from './counting-egress';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 60_000);

async function main(): Promise<void> {
  const service = spawnBenchScript('function-service.ts', ['0']);
  const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-remote-profile-'));
  try {
    const { port } = JSON.parse(await firstLine(service)) as { port: number };
    const egress = new CountingEgress('bench/out');
    const module = parseModule(`kind: io.statefun.endpoints.v2/http\nspec:\n  functions: bench/*\n  urlPathTemplate: http://127.0.0.1:${port}/statefun\n  transport:\n    pool_size: 64\n`, join(dir, 'module.yaml'));
    const runtime = await KeyflowRuntime.start({ module, stateDir: dir, ingresses: [new BenchIngress(MESSAGES, 1_000)], egresses: [egress], logger: silentLogger, checkpointIntervalMs: 1_000 });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await egress.until(MESSAGES);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const stats = runtime.stats();
    console.log(`${Math.round(MESSAGES / (wall / 1000))} msg/s, ${stats.batches} requests, CPU ${(((used.user + used.system) / 1000 / wall) * 100).toFixed(0)}% of one core, ${(((used.user + used.system) / stats.batches)).toFixed(0)} µs CPU per request`);
    await runtime.stop();
  } finally {
    service.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
