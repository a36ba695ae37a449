// The measuring process of bench/flink/main.ts: see main.ts.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BenchKafka, latencies, throughput, type SideResult } from './pipeline-side';

const ROOT = resolve(__dirname, '..', '..');
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 20_000);
const LATENCY_RECORDS = Number(process.env['BENCH_LATENCY_RECORDS'] ?? 2_000);
const LATENCY_RATE = Number(process.env['BENCH_LATENCY_RATE'] ?? 200);
const FLINK_PARALLELISM = Number(process.env['BENCH_FLINK_PARALLELISM'] ?? 2);
const CHECKPOINT_MS = Number(process.env['BENCH_CHECKPOINT_MS'] ?? 1_000);
const KEYFLOW_CLI = join(ROOT, 'packages', 'runtime', 'dist', 'cli', 'main.js');
const KAFKA_SCRIPT = join(ROOT, 'tools', 'kafka', 'kafka.sh');
const STATEFUN_MODULE = join(ROOT, 'apps', 'examples', 'deploy', 'statefun', 'module.yaml');
const KAFKA_IO = join(ROOT, 'apps', 'examples', 'deploy', 'flink', 'kafka-io.yaml');
const run = promisify(execFile);

async function startBroker(dir: string): Promise<string> {
  const { stdout } = await run(KAFKA_SCRIPT, ['start', '--dir', dir, ...(await ports())]);
  return /KAFKA_BOOTSTRAP=(\S+)/.exec(stdout)?.[1] ?? '';
}

async function ports(): Promise<string[]> {
  const { createServer } = await import('node:net');
  const free = (): Promise<number> =>
    new Promise((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
  const port = await free();
  let controller = await free();
  while (controller === port) controller = await free();
  return ['--port', String(port), '--controller-port', String(controller), '--set', 'transaction.state.log.num.partitions=4', '--set', 'offsets.topic.num.partitions=4'];
}

/** Starts a process and resolves once its output contains `ready`. */
async function startProcess(args: readonly string[], env: NodeJS.ProcessEnv, ready: string | RegExp, timeoutMs: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (typeof ready === 'string' ? !output.includes(ready) : !ready.test(output)) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not start:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Preloads the batch, starts the side, times it, then measures paced latency. */
async function measure(name: string, startSide: (bootstrap: string) => Promise<() => Promise<void>>): Promise<SideResult> {
  const work = await mkdtemp(join(tmpdir(), `keyflow-bench-flink-${name.toLowerCase().replace(/\W+/g, '-')}-`));
  const bootstrap = await startBroker(join(work, 'kafka'));
  const kafka = new BenchKafka(bootstrap);
  try {
    await kafka.createTopics(['names', 'reminders-in', 'greetings', 'reminders'], 2);
    await kafka.produce('t', RECORDS, 0);
    const batchKeys = new Set(Array.from({ length: RECORDS }, (_, index) => `t${index}`));
    const batch = kafka.awaitGreetings(batchKeys, 600_000);
    process.stderr.write(`[bench] ${name}: starting ...\n`);
    const stopSide = await startSide(bootstrap);
    try {
      const arrived = await batch;
      const { seconds, perSecond } = throughput(arrived);
      process.stderr.write(`[bench] ${name}: ${RECORDS} records in ${seconds.toFixed(1)} s; now ${LATENCY_RECORDS} at ${LATENCY_RATE}/s for latency ...\n`);
      const latencyKeys = new Set(Array.from({ length: LATENCY_RECORDS }, (_, index) => `l${index}`));
      const paced = kafka.awaitGreetings(latencyKeys, 600_000);
      const sentAt = await kafka.produce('l', LATENCY_RECORDS, LATENCY_RATE);
      const { p50, p99 } = latencies(sentAt, await paced);
      return { name, records: RECORDS, seconds, recordsPerSecond: perSecond, p50Ms: p50, p99Ms: p99 };
    } finally {
      await stopSide();
    }
  } finally {
    await run(KAFKA_SCRIPT, ['stop', '--dir', join(work, 'kafka')]);
  }
}

async function main(): Promise<void> {
  const functions = await startProcess(
    ['--import', 'tsx', join(ROOT, 'apps', 'examples', 'src', 'function-service.ts')],
    { PORT: '0', TSX_TSCONFIG_PATH: join(ROOT, 'apps', 'examples', 'tsconfig.json'), KEYFLOW_LOG_LEVEL: 'warn' },
    /serving StateFun's protocol at \S+/,
    60_000,
  );
  const functionsUrl = /serving StateFun's protocol at (\S+)/.exec(functions.output())?.[1] ?? '';
  const moduleText = [await readFile(STATEFUN_MODULE, 'utf8'), await readFile(KAFKA_IO, 'utf8')].join('\n---\n');
  try {
    const keyflow = await measure('Keyflow (keyflow run)', async (bootstrap) => {
      // A project depending on @keyflow/connectors, so that keyflow run finds StateFun's Kafka kinds.
      const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-flink-run-'));
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'bench-flink-keyflow', private: true, dependencies: { '@keyflow/connectors': '*' } }));
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const module = join(dir, 'module.yaml');
      await writeFile(module, moduleText.replace(/urlPathTemplate: \S+/g, `urlPathTemplate: ${functionsUrl}`).replace(/address: \S+/g, `address: ${bootstrap}`));
      const side = await startProcess(
        [KEYFLOW_CLI, 'run', '--module', module, '--state-dir', join(dir, 'state'), '--checkpoint-interval', `${CHECKPOINT_MS}ms`],
        { KEYFLOW_LOG_LEVEL: 'warn' },
        'Keyflow is running',
        60_000,
      );
      return () => stop(side.child);
    });
    const flink = await measure(`Flink StateFun (1 TaskManager, parallelism ${FLINK_PARALLELISM})`, async (bootstrap) => {
      const dir = await mkdtemp(join(tmpdir(), 'keyflow-bench-flink-up-'));
      const args = ['flink', 'up', '--dir', dir, '--module', STATEFUN_MODULE, '--module', KAFKA_IO, '--endpoint', functionsUrl, '--kafka', bootstrap];
      const side = await startProcess(
        [KEYFLOW_CLI, ...args, '--taskmanagers', '1', '--parallelism', String(FLINK_PARALLELISM), '--checkpoint-interval', String(CHECKPOINT_MS)],
        {},
        'Apache Flink StateFun is running',
        300_000,
      );
      return () => stop(side.child);
    });
    const rows = [keyflow, flink].map((side) =>
      `${side.name.padEnd(48)} ${side.recordsPerSecond.toFixed(0).padStart(8)} rec/s   p50 ${String(side.p50Ms).padStart(5)} ms   p99 ${String(side.p99Ms).padStart(5)} ms`,
    );
    console.log(`\nExample app over Kafka (greeter -> inbox -> exactly-once egress), same function service, ${CHECKPOINT_MS} ms checkpoints,`);
    console.log(`${RECORDS} preloaded records for throughput, ${LATENCY_RECORDS} at ${LATENCY_RATE}/s for latency (load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}):`);
    console.log(rows.join('\n'));
    console.log(`Keyflow / Flink: throughput x${(keyflow.recordsPerSecond / flink.recordsPerSecond).toFixed(2)}, p50 latency x${(flink.p50Ms / Math.max(1, keyflow.p50Ms)).toFixed(2)} lower, p99 x${(flink.p99Ms / Math.max(1, keyflow.p99Ms)).toFixed(2)} lower`);
  } finally {
    await stop(functions.child);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
