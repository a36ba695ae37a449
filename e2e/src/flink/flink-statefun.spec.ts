// The example app as remote functions of a real multi-process Apache Flink StateFun 3.3.0
// cluster (Flink 1.16.2: one JobManager and TaskManagers as separate JVMs), started by
// `keyflow flink up`, with Kafka in and exactly-once Kafka out on a real broker.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startKeyflow } from '../support/keyflow-process';
import { flinkDown, flinkUp, type FlinkUp } from './support/flink-cli';
import { createTopics, produce, readCommitted, startBroker, stopBroker, type CommittedOutput, type TestBroker } from './support/kafka-broker';
import { expectedGreetings, workload } from './support/workload';

const STATEFUN_MODULE = join(ROOT, 'apps', 'examples', 'deploy', 'statefun', 'module.yaml');
const KAFKA_IO = join(ROOT, 'apps', 'examples', 'deploy', 'flink', 'kafka-io.yaml');
const FAILING_IO = join(__dirname, 'fixtures', 'failing-io.yaml');
const FUNCTIONS = join(__dirname, 'fixtures', 'functions.ts');
const TOPICS = ['names', 'reminders-in', 'greetings', 'reminders', 'orders'];
const MINUTES = 60_000;

/** `keyflow flink up` arguments for the suite's module, functions and broker. */
function upArguments(broker: TestBroker, taskManagers: number, parallelism: number): string[] {
  return [
    ...['--module', STATEFUN_MODULE, '--module', KAFKA_IO, '--module', FAILING_IO],
    ...['--functions', FUNCTIONS, '--kafka', broker.bootstrap],
    ...['--taskmanagers', String(taskManagers), '--parallelism', String(parallelism), '--checkpoint-interval', '1000'],
  ];
}

describe('the example app on Flink StateFun: 1 JobManager, 2 TaskManagers, parallelism 4', () => {
  let flinkKafka: TestBroker;
  let keyflowKafka: TestBroker;
  let up: FlinkUp;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'keyflow-flink-e2e-'));
    [flinkKafka, keyflowKafka] = await Promise.all([startBroker(), startBroker()]);
    await Promise.all([createTopics(flinkKafka, TOPICS, 4), createTopics(keyflowKafka, TOPICS, 4)]);
    up = await flinkUp(join(work, 'flink'), upArguments(flinkKafka, 2, 4));
  }, 5 * MINUTES);

  afterAll(async () => {
    if (up) await flinkDown(up);
    await Promise.all([flinkKafka && stopBroker(flinkKafka), keyflowKafka && stopBroker(keyflowKafka)]);
  }, 2 * MINUTES);

  it('gives the same read_committed output as keyflow run for a seeded workload (same function service)', async () => {
    const load = workload(14, 'w', 60, 8, 20);
    for (const broker of [flinkKafka, keyflowKafka]) {
      await produce(broker, 'names', load.names);
      await produce(broker, 'reminders-in', load.reminders);
    }
    // Keyflow: the same StateFun module documents and function service, its own broker.
    const functionsUrl = up.session.functionsUrl ?? '';
    const module = join(work, 'keyflow-module.yaml');
    const documents = [await readFile(STATEFUN_MODULE, 'utf8'), await readFile(KAFKA_IO, 'utf8')].join('\n---\n');
    await writeFile(module, documents.replace(/urlPathTemplate: \S+/g, `urlPathTemplate: ${functionsUrl}`).replace(/address: \S+/g, `address: ${keyflowKafka.bootstrap}`));
    const keyflow = await startKeyflow(['--module', module, '--state-dir', join(work, 'keyflow-state'), '--checkpoint-interval', '1s'], 60_000);
    const expected = { greetings: 60, reminders: 40 };
    let fromKeyflow: CommittedOutput;
    try {
      fromKeyflow = await readCommitted(keyflowKafka, 'w', expected);
    } finally {
      keyflow.child.kill('SIGTERM');
      await keyflow.exited;
    }
    const fromFlink = await readCommitted(flinkKafka, 'w', expected);

    expect(fromKeyflow.greetings).toEqual(expectedGreetings(load.names));
    expect(fromKeyflow.reminders).toHaveLength(40);
    expect(fromFlink).toEqual(fromKeyflow);
    // The job really ran spread over the cluster.
    const job = (await (await fetch(`${up.session.restUrl}/jobs/${up.session.jobId}`)).json()) as { vertices: { parallelism: number }[] };
    expect(job.vertices.map((vertex) => vertex.parallelism)).toContain(4);
    const overview = (await (await fetch(`${up.session.restUrl}/overview`)).json()) as { taskmanagers: number };
    expect(overview.taskmanagers).toBe(2);
  }, 6 * MINUTES);
});
