import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { isKeyflowError } from '@keyflow/sdk';
import { parseFlinkUpArguments, type FlinkUpArguments } from './flink-arguments';
import { jobJarPath, startCluster, startTaskManager, stopCluster, taskManagerPids } from './flink-cluster';
import { FlinkRestClient, firstLines } from './flink-rest-client';
import { removeSession, writeSession } from './flink-session';
import { startFunctionService, stopFunctionService, type FunctionServiceProcess } from './function-service-process';
import { localModule, type LocalModule } from './local-module';
import { createTopics, startLocalKafka, stopLocalKafka } from './local-kafka';
import { toolScript } from './repo-tools';

const JOB_START_TIMEOUT_MS = 180_000;
const WATCH_MS = 1_000;

/** What `up` started, so that it can stop it again. */
interface Started {
  kafkaDir?: string;
  functions?: FunctionServiceProcess;
  clusterDir?: string;
}

/**
 * `keyflow flink up`: starts Kafka (optional), the function service, a Flink session cluster
 * and the StateFun job; then keeps TaskManagers alive and reports job failures until Ctrl+C or
 * `keyflow flink down`. Returns the exit code.
 */
export async function flinkUpCommand(args: readonly string[]): Promise<number> {
  const options = parseFlinkUpArguments(args);
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const started: Started = {};
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopAll(dir, started));
  const finished = new Promise<number>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n[keyflow flink] ${signal}: stopping the job, the cluster and the services ...\n`);
        void stop().then(() => done(0));
      });
    }
  });
  try {
    const { restUrl, jobId, module, kafka } = await bringUp(options, dir, started);
    printReady(options, dir, restUrl, jobId, module, kafka);
    void watch(dir, new FlinkRestClient(restUrl), jobId, () => stopping !== undefined);
  } catch (error) {
    process.stderr.write(`[keyflow flink] ${isKeyflowError(error) ? error.message : String(error)}\n`);
    await stop();
    return 1;
  }
  return finished;
}

async function bringUp(options: FlinkUpArguments, dir: string, started: Started) {
  const step = (text: string): void => void process.stderr.write(`[keyflow flink] ${text}\n`);
  let kafka = options.kafka;
  if (kafka === 'local') {
    started.kafkaDir = join(dir, 'kafka');
    step('starting a local Kafka broker (tools/kafka/kafka.sh) ...');
    kafka = await startLocalKafka(started.kafkaDir);
  }
  let endpoint = options.endpoint;
  if (options.functions !== undefined) {
    step(`starting the function service for ${options.functions} ...`);
    started.functions = await startFunctionService(options.functions, join(dir, 'functions.log'));
    endpoint = started.functions.url;
  }
  const module = await localModule(options.modules, { endpoint, kafka });
  const modulePath = join(dir, 'module.yaml');
  await writeFile(modulePath, module.yaml);
  if (started.kafkaDir !== undefined && kafka !== undefined && module.ingressTopics.length > 0) {
    step(`creating the ingress topics ${module.ingressTopics.join(', ')} ...`);
    await createTopics(kafka, module.ingressTopics, options.parallelism);
  }

  started.clusterDir = join(dir, 'cluster');
  step(`starting Flink: 1 JobManager + ${options.taskManagers} TaskManager(s) x ${options.slots} slot(s) (first run: jars from Maven Central) ...`);
  const settings = [
    `execution.checkpointing.interval=${options.checkpointIntervalMs}ms`,
    // A checkpoint or savepoint stuck for a minute expires (Flink's default waits ten), so that
    // `keyflow flink savepoint` triggers it again; three in a row restart the job from its last one.
    'execution.checkpointing.timeout=60s',
    'execution.checkpointing.tolerable-failed-checkpoints=3',
  ];
  const cluster = await startCluster(started.clusterDir, options.taskManagers, options.slots, settings);
  const rest = new FlinkRestClient(cluster.restUrl);
  step('submitting the StateFun job ...');
  const jarId = await rest.uploadJar(await jobJarPath());
  const jobId = await rest.runJar(jarId, {
    parallelism: options.parallelism,
    programArgs: ['--statefun.remote.module-name', `file://${modulePath}`, '--statefun.flink-job-name', 'keyflow-statefun'],
    ...(options.fromSavepoint === undefined ? {} : { savepointPath: /^[a-z][a-z0-9+.-]*:/i.test(options.fromSavepoint) ? options.fromSavepoint : resolve(options.fromSavepoint) }),
  });
  await rest.waitUntilRunning(jobId, JOB_START_TIMEOUT_MS);
  await writeSession(dir, {
    pid: process.pid,
    restUrl: cluster.restUrl,
    jobId,
    clusterDir: cluster.dir,
    savepointsDir: join(cluster.dir, 'savepoints'),
    kafkaDir: started.kafkaDir,
    functionsPid: started.functions?.child.pid,
    functionsUrl: started.functions?.url,
  });
  return { restUrl: cluster.restUrl, jobId, module, kafka };
}

function printReady(options: FlinkUpArguments, dir: string, restUrl: string, jobId: string, module: LocalModule, kafka: string | undefined): void {
  const kafkaTool = shortPath(toolScript('kafka'));
  const flinkDir = shortPath(dir);
  const lines = [
    '',
    `Apache Flink StateFun is running: web UI ${restUrl}`,
    `  job ${jobId}, parallelism ${options.parallelism} on ${options.taskManagers} TaskManager(s); logs in ${join(flinkDir, 'cluster', 'log')}, function service log ${join(flinkDir, 'functions.log')}`,
  ];
  const [topic] = module.ingressTopics;
  if (kafka !== undefined && topic !== undefined) {
    lines.push(
      'Send a message (key:value):',
      `  printf 'Alice:hello\\n' | ${kafkaTool} tool kafka.tools.ConsoleProducer --bootstrap-server ${kafka} --topic ${topic} --property parse.key=true --property key.separator=:`,
    );
    if (options.answerTopic !== undefined) {
      lines.push(
        'Read the answers:',
        `  ${kafkaTool} tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server ${kafka} --topic ${options.answerTopic} --from-beginning --isolation-level read_committed --property print.key=true`,
      );
    }
  }
  lines.push(`Savepoint: npx keyflow flink savepoint --dir ${flinkDir}    Stop: Ctrl+C or npx keyflow flink down --dir ${flinkDir}`, '');
  console.log(lines.join('\n'));
}

/** Restarts TaskManagers that die (as Kubernetes would) and reports the job's failures and end. */
async function watch(dir: string, rest: FlinkRestClient, jobId: string, stopping: () => boolean): Promise<void> {
  const clusterDir = join(dir, 'cluster');
  const handled = new Set<number>();
  let lastFailure = Date.now();
  let lastState = 'RUNNING';
  while (!stopping()) {
    await new Promise((done) => setTimeout(done, WATCH_MS));
    if (stopping()) return;
    try {
      for (const [name, pid] of await taskManagerPids(clusterDir)) {
        if (handled.has(pid) || isAlive(pid)) continue;
        handled.add(pid);
        const replacement = await startTaskManager(clusterDir);
        process.stderr.write(`[keyflow flink] TaskManager ${name.replace('.pid', '')} (pid ${pid}) exited; started a replacement (pid ${replacement}). Flink restarts the job from its last checkpoint.\n`);
      }
      for (const failure of (await rest.failures(jobId)).filter((entry) => entry.timestamp > lastFailure).reverse()) {
        lastFailure = failure.timestamp;
        process.stderr.write(`[keyflow flink] KF_FLINK_JOB_FAILED: the job failed and restarts from its last checkpoint${failure.taskName ? ` (task ${failure.taskName})` : ''}: ${firstLines(failure.stacktrace)}\n`);
      }
      const { state } = await rest.job(jobId);
      if (state !== lastState && ['FINISHED', 'CANCELED', 'FAILED'].includes(state)) {
        process.stderr.write(`[keyflow flink] the job is ${state}; the cluster keeps running until Ctrl+C or 'keyflow flink down'.\n`);
      }
      lastState = state;
    } catch (error) {
      if (!stopping()) process.stderr.write(`[keyflow flink] watching the cluster: ${(error as Error).message}\n`);
    }
  }
}

/** `path` relative to the working directory when it lies below it, else absolute. */
function shortPath(path: string): string {
  const short = relative(process.cwd(), path);
  return short === '' ? '.' : short.startsWith('..') ? path : short;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopAll(dir: string, started: Started): Promise<void> {
  const attempt = async (what: string, action: () => Promise<void>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      process.stderr.write(`[keyflow flink] stopping ${what}: ${(error as Error).message}\n`);
    }
  };
  // All at once, so each gets its signal at once: one after another (each waits up to 20 s before
  // killing) they could outlast the minute `keyflow flink down` waits, or the grace period a
  // supervisor such as nx gives this process before killing it, leaving the Kafka broker, a
  // daemon outside this process's tree, running.
  await Promise.all([
    started.clusterDir === undefined ? undefined : attempt('the cluster', () => stopCluster(started.clusterDir as string)),
    started.functions === undefined ? undefined : attempt('the function service', () => stopFunctionService(started.functions as FunctionServiceProcess)),
    started.kafkaDir === undefined ? undefined : attempt('Kafka', () => stopLocalKafka(started.kafkaDir as string)),
  ]);
  await removeSession(dir);
}
