// The example app as remote functions of a real multi-process Apache Flink StateFun 3.3.0
// cluster (Flink 1.16.2: one JobManager and TaskManagers as separate JVMs), started by
// `keyflow flink up`, with Kafka in and exactly-once Kafka out on a real broker.
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, eventually, startKeyflow } from '../support/keyflow-process';
import { flinkDown, flinkSavepoint, flinkUp, type FlinkUp } from './support/flink-cli';
import { createTopics, produce, readCommitted, startBroker, stopBroker, type CommittedOutput, type TestBroker } from './support/kafka-broker';
import { expectedGreetings, expectedLedger, expectedReminders, ledgerWorkload, workload } from './support/workload';
import { TICKS } from './fixtures/ticker-function';

const STATEFUN_MODULE = join(ROOT, 'apps', 'examples', 'deploy', 'statefun', 'module.yaml');
const KAFKA_IO = join(ROOT, 'apps', 'examples', 'deploy', 'flink', 'kafka-io.yaml');
const FAILING_IO = join(__dirname, 'fixtures', 'failing-io.yaml');
const LEDGER_IO = join(__dirname, 'fixtures', 'ledger-io.yaml');
const FUNCTIONS = join(__dirname, 'fixtures', 'functions.ts');
const TOPICS = ['names', 'reminders-in', 'greetings', 'reminders', 'orders', 'ledger-in', 'ticker-in'];
const MINUTES = 60_000;

/** `keyflow flink up` arguments for the suite's module, functions and broker. */
function upArguments(broker: TestBroker, taskManagers: number, parallelism: number): string[] {
  return [
    ...['--module', STATEFUN_MODULE, '--module', KAFKA_IO, '--module', FAILING_IO, '--module', LEDGER_IO],
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
    // A project that depends on @keyflow/connectors (its package.json and the workspace's
    // node_modules), so that keyflow run finds StateFun's Kafka kinds, as in a user's project.
    const project = join(work, 'keyflow-project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'flink-e2e-keyflow', private: true, dependencies: { '@keyflow/connectors': '*' } }));
    await symlink(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    const module = join(project, 'module.yaml');
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

  // Before the kill -9 test: the job recovers for minutes after it.
  it('keeps a Keyflow function\'s map and list state exact on Flink StateFun (each collection one PersistedValue)', async () => {
    const commands = ledgerWorkload(21, 4, 48);
    await produce(flinkKafka, 'ledger-in', commands);
    const output = await readCommitted(flinkKafka, 'L', { greetings: 0, reminders: 0, others: commands.length }, 240_000);
    expect(output.others).toEqual(expectedLedger(commands));
  }, 5 * MINUTES);

  it('runs a Keyflow schedule on Flink StateFun: every tick once, in order, none after unschedule, a replacing start not doubling them', async () => {
    const ids = ['T-1', 'T-2', 'T-3'];
    // T-2 is started twice: the second start replaces its schedule (same name) instead of adding one.
    await produce(flinkKafka, 'ticker-in', [...ids, 'T-2'].map((key) => ({ key, value: 'start' })));
    const expected = ids.flatMap((id) => Array.from({ length: TICKS }, (_, index) => `${id}\ttick ${index + 1}`)).sort();
    await readCommitted(flinkKafka, 'T-', { greetings: 0, reminders: 0, others: expected.length }, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // three more ticks' time: nothing may follow the unschedule
    const output = await readCommitted(flinkKafka, 'T-', { greetings: 0, reminders: 0, others: expected.length }, 60_000);
    // A tick that came late past the next one's time says how many it stood for (`missed`); on a
    // busy cluster that may happen, so the numbering is checked, and the missed counts only parsed.
    expect(output.others.map((line) => line.replace(/ missed \d+$/, ''))).toEqual(expected);
  }, 4 * MINUTES);

  it('loses and doubles nothing when a TaskManager is killed with kill -9 mid-run (restart from the last checkpoint)', async () => {
    const load = workload(99, 'k', 120, 10, 20);
    await produce(flinkKafka, 'names', load.names.slice(0, 60));
    await produce(flinkKafka, 'reminders-in', load.reminders.slice(0, 10));
    await readCommitted(flinkKafka, 'k', { greetings: 20, reminders: 0 });
    const [victim] = await taskManagerPids(up.session.clusterDir);
    if (victim === undefined) throw new Error('no TaskManager pid file');
    process.kill(victim, 'SIGKILL');
    await produce(flinkKafka, 'names', load.names.slice(60));
    await produce(flinkKafka, 'reminders-in', load.reminders.slice(10));
    await eventually(async () => (up.output().includes(`(pid ${victim}) exited; started a replacement`) ? true : undefined), 'a replacement TaskManager', 60_000);

    const output = await readCommitted(flinkKafka, 'k', { greetings: 120, reminders: 40 }, 240_000);
    expect(output.greetings).toEqual(expectedGreetings(load.names));
    expect(output.reminders).toEqual(expectedReminders(load.reminders));
    // Flink restarted the job after losing the TaskManager.
    const failures = (await (await fetch(`${up.session.restUrl}/jobs/${up.session.jobId}/exceptions`)).json()) as { exceptionHistory: { entries: unknown[] } };
    expect(failures.exceptionHistory.entries.length).toBeGreaterThan(0);
  }, 6 * MINUTES);

  // Last on the shared cluster: the failing message makes the job restart over and over.
  it('says clearly, in the function service log and in Flink, that a function threw; the job does not stall silently', async () => {
    await produce(flinkKafka, 'orders', [{ key: 'order-7', value: '{"product":"p-404"}' }]);
    const functionsLog = join(up.dir, 'functions.log');
    const serviceLine = await eventually(
      async () => (await readFile(functionsLog, 'utf8')).split('\n').find((line) => line.includes('e2e/failing/order-7') && line.includes('KF_FUNCTION_FAILED')),
      'the failure in the function service log',
      60_000,
    );
    expect(serviceLine).toContain('order order-7 refers to a product that does not exist');
    const flinkLine = await eventually(async () => (await taskManagerLogs(up.session.clusterDir)).find((line) => line.includes('Address(e2e, failing, order-7)')), 'the failure in a TaskManager log', 60_000);
    expect(flinkLine).toMatch(/order-7/);
    // After the endpoint's call timeout (6 s), Flink fails and restarts the job, and keyflow flink up says so.
    await eventually(async () => (/KF_FLINK_JOB_FAILED.*e2e.*failing/.test(up.output()) ? true : undefined), 'the job failure reported by keyflow flink up', 90_000);
  }, 4 * MINUTES);
});

describe('rescaling Flink StateFun with savepoints', () => {
  let broker: TestBroker;
  let work: string;
  let up: FlinkUp | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'keyflow-flink-rescale-'));
    broker = await startBroker();
    await createTopics(broker, TOPICS, 4);
  }, 2 * MINUTES);

  afterAll(async () => {
    if (up && up.child.exitCode === null) await flinkDown(up);
    if (broker) await stopBroker(broker);
  }, 2 * MINUTES);

  it('carries every key\'s state from parallelism 2 to 4 and back to 1, so the counts stay exact', async () => {
    const dir = join(work, 'flink');
    const batches = [11, 12, 13].map((seed) => workload(seed, 's', 40, 12, 0).names);
    const steps = [
      { taskManagers: 1, parallelism: 2 },
      { taskManagers: 2, parallelism: 4 },
      { taskManagers: 1, parallelism: 1 },
    ];
    let savepoint: string | undefined;
    for (const [index, step] of steps.entries()) {
      up = await flinkUp(dir, [...upArguments(broker, step.taskManagers, step.parallelism), ...(savepoint === undefined ? [] : ['--from-savepoint', savepoint])]);
      const job = (await (await fetch(`${up.session.restUrl}/jobs/${up.session.jobId}`)).json()) as { vertices: { parallelism: number }[] };
      expect(Math.max(...job.vertices.map((vertex) => vertex.parallelism))).toBe(step.parallelism);
      await produce(broker, 'names', batches[index] ?? []);
      const sent = batches.slice(0, index + 1);
      const output = await readCommitted(broker, 's', { greetings: 40 * (index + 1), reminders: 0 }, 180_000);
      expect(output.greetings).toEqual(expectedGreetings(...sent));
      if (index < steps.length - 1) savepoint = await flinkSavepoint(dir);
      await flinkDown(up);
    }
  }, 12 * MINUTES);
});

/** The pids of the live TaskManagers of a cluster folder. */
async function taskManagerPids(clusterDir: string): Promise<number[]> {
  const files = (await readdir(join(clusterDir, 'pids'))).filter((file) => file.startsWith('taskmanager-'));
  const pids = await Promise.all(files.map(async (file) => Number((await readFile(join(clusterDir, 'pids', file), 'utf8')).trim())));
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/** Every line of the TaskManager logs of a cluster folder. */
async function taskManagerLogs(clusterDir: string): Promise<string[]> {
  const files = (await readdir(join(clusterDir, 'log'))).filter((file) => /^taskmanager-\d+\.log$/.test(file));
  const texts = await Promise.all(files.map((file) => readFile(join(clusterDir, 'log', file), 'utf8')));
  return texts.flatMap((text) => text.split('\n'));
}
