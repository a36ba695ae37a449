// The measuring process of bench/kafka/main.ts (which starts it with the legacy decorators and
// source resolution it needs): see main.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../free-port';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { keyflowPipeline } from './keyflow-pipeline';
import { rawPassthrough } from './raw-passthrough';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 400_000);
const KEYS = Number(process.env['BENCH_KEYS'] ?? 10_000);
const VALUE_BYTES = Number(process.env['BENCH_VALUE_BYTES'] ?? 100);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CHECKPOINT_MS = Number(process.env['BENCH_CHECKPOINT_MS'] ?? 1_000);
const KAFKA_SCRIPT = resolve(__dirname, '../../tools/kafka/kafka.sh');

async function createInput(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  for (let sent = 0; sent < RECORDS; sent += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, RECORDS - sent) }, (_, index) => ({ key: `key-${(sent + index) % KEYS}`, value }));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

async function createOutput(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** A full collection between runs (main.ts starts this process with --expose-gc). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const rate = (value: number): string => `${Math.round(value).toLocaleString('en-US')} records/s`;

async function main(): Promise<void> {
  let bootstrap = process.env['KAFKA_BOOTSTRAP'];
  let brokerDir: string | undefined;
  if (bootstrap === undefined) {
    brokerDir = mkdtempSync(join(tmpdir(), 'keyflow-bench-broker-'));
    const output = execFileSync(KAFKA_SCRIPT, ['start', '--dir', brokerDir, '--port', String(await freePort()), '--controller-port', String(await freePort())], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    bootstrap = /KAFKA_BOOTSTRAP=(\S+)/.exec(output)?.[1] ?? '';
  }
  try {
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench', logLevel: logLevel.NOTHING });
    const input = `bench-in-${Date.now()}`;
    await createInput(kafka, input);
    console.log(`kafka pipeline: ${RECORDS.toLocaleString('en-US')} records of ${VALUE_BYTES} B over ${KEYS} keys, ${PARTITIONS} partitions, ${ROUNDS} rounds (median)`);
    console.log(`  load average before: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    const raw: number[] = [];
    const atLeastOnce: number[] = [];
    const exactlyOnce: number[] = [];
    const runs = [
      ['raw', raw, (out: string) => rawPassthrough(bootstrap, input, out, RECORDS)],
      ['alo', atLeastOnce, (out: string) => keyflowPipeline(bootstrap, input, out, RECORDS, 'at-least-once', CHECKPOINT_MS)],
      ['eos', exactlyOnce, (out: string) => keyflowPipeline(bootstrap, input, out, RECORDS, 'exactly-once', CHECKPOINT_MS)],
    ] as const;
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with a different one, so that no variant always runs on the heap and
      // broker state the others left behind.
      for (let index = 0; index < runs.length; index++) {
        const [name, results, run] = runs[(round + index) % runs.length] as (typeof runs)[number];
        const output = `bench-out-${name}-${round}-${Date.now()}`;
        await createOutput(kafka, output);
        collectGarbage();
        results.push(await run(output));
      }
      const [rawLast, aloLast, eosLast] = [raw.at(-1) ?? 0, atLeastOnce.at(-1) ?? 0, exactlyOnce.at(-1) ?? 0];
      console.log(
        `  round ${round + 1}: raw ${rate(rawLast)}, at-least-once ${rate(aloLast)}, exactly-once ${rate(eosLast)}` +
          ` (exactly-once / at-least-once ${(eosLast / aloLast).toFixed(2)}×)`,
      );
    }
    const [rawRate, aloRate, eosRate] = [median(raw), median(atLeastOnce), median(exactlyOnce)];
    console.log(`  raw kafkajs eachBatch consume→produce (idempotent, acks=all): ${rate(rawRate)}`);
    console.log(`  keyflow at-least-once (Kafka → embedded function → Kafka):      ${rate(aloRate)}`);
    console.log(`  keyflow exactly-once (${CHECKPOINT_MS} ms checkpoints, transactions):    ${rate(eosRate)}`);
    console.log(`  at-least-once / raw:           ${(aloRate / rawRate).toFixed(2)}× (target ≥ 0.4×)`);
    console.log(`  exactly-once / at-least-once:  ${(eosRate / aloRate).toFixed(2)}× (target ≥ 0.9×)`);
    const roundRatios = exactlyOnce.map((eos, round) => eos / (atLeastOnce[round] as number));
    console.log(`  exactly-once / at-least-once, median of the rounds' ratios: ${median(roundRatios).toFixed(2)}×`);
    console.log(`  load average after: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  } finally {
    if (brokerDir !== undefined) {
      execFileSync(KAFKA_SCRIPT, ['stop', '--dir', brokerDir], { stdio: 'ignore' });
      rmSync(brokerDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
