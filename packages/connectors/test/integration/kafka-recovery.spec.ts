import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createTopics, produce, readCommittedWithJavaConsumer, testKafka, uniqueName } from '../support/kafka-helpers';
import { kafkaRelayModule } from '../support/kafka-relay-module';
import { tempDir } from '../support/runtime-harness';

// Recovery with Kafka after kill -9: a runtime reading Kafka and writing it with exactly-once,
// checkpointing every second, is killed while it works and started again on its state folder.
// It must process again within 5 s of its start (it does not wait for the dead process's group
// membership or its transactions to time out), and every record must come out exactly once.

jest.setTimeout(180_000);

const FIXTURE = join(__dirname, '..', 'fixtures', 'run-relay.ts');
const TSX_REQUIRE = ['--require', require.resolve('tsx/cjs')];
const CHECKPOINT_INTERVAL_MS = 1_000;
const IDS = ['ann', 'bob', 'cy', 'dee'];

interface RuntimeProcess {
  readonly child: ChildProcess;
  /** When the runtime began to start (before restoring), epoch ms. */
  readonly startingAt: number;
  /** When it had started (every ingress reading), epoch ms. */
  readonly startedAt: number;
  readonly exited: Promise<void>;
}

async function startProcess(moduleFile: string, stateDir: string): Promise<RuntimeProcess> {
  const child = spawn(process.execPath, ['--conditions=@keyflow/source', ...TSX_REQUIRE, FIXTURE, moduleFile, stateDir, String(CHECKPOINT_INTERVAL_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // tsx compiles the test functions' decorators as the package's tsconfig says.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, '..', '..', 'tsconfig.json') },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let startingAt = 0;
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const [word, at] = line.split(' ');
    if (word === 'starting') startingAt = Number(at);
    if (word === 'started') return { child, startingAt, startedAt: Number(at), exited };
  }
  throw new Error('the runtime process exited before it started');
}

/** Input for `words` words per id, to be forwarded to `out`. */
function words(out: string, from: number, to: number): { key: string; value: string }[] {
  const messages = [];
  for (let word = from; word < to; word++) for (const id of IDS) messages.push({ key: id, value: `${out}|w${word}` });
  return messages;
}

/** Watches `topic` with read_committed and notes when each `key:value` first appears. */
async function watch(topic: string): Promise<{ seenAt: Map<string, number>; stop: () => Promise<void> }> {
  const consumer = testKafka().consumer({ groupId: uniqueName('keyflow-test-watch'), readUncommitted: false, maxWaitTimeInMs: 50 });
  const seenAt = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const record = `${message.key?.toString('utf8') ?? ''}:${message.value?.toString('utf8') ?? ''}`;
      if (!seenAt.has(record)) seenAt.set(record, Date.now());
    },
  });
  return { seenAt, stop: () => consumer.disconnect() };
}

describe('Kafka recovery after kill -9', () => {
  it('processes again within 5 s of the restart, with nothing lost or doubled', async () => {
    const { dir, remove } = await tempDir('keyflow-kafka-recovery-');
    const [input, out] = [uniqueName('in'), uniqueName('out')];
    await createTopics([input, out], 2);
    const moduleFile = join(dir, 'module.yaml');
    await writeFile(moduleFile, kafkaRelayModule(input, 'it/forwarder', 'exactly-once', ['transactionTimeout: 60s']));
    const stateDir = join(dir, 'state');
    const watcher = await watch(out);
    const running: RuntimeProcess[] = [];
    try {
      await produce(input, words(out, 0, 50));
      const first = await startProcess(moduleFile, stateDir);
      running.push(first);
      // Killed while it works: the first words are delivered, more keep coming in.
      while (watcher.seenAt.size < 40) await new Promise((resolve) => setTimeout(resolve, 20));
      await produce(input, words(out, 50, 100));
      await new Promise((resolve) => setTimeout(resolve, 300));
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await startProcess(moduleFile, stateDir);
      running.push(second);
      await produce(input, words(out, 100, 110));
      const firstAfter = `${IDS[0]}:w100#101`;
      while (!watcher.seenAt.has(firstAfter)) await new Promise((resolve) => setTimeout(resolve, 20));
      const recoveryMs = (watcher.seenAt.get(firstAfter) as number) - second.startingAt;
      process.stdout.write(`Kafka recovery after kill -9: processing again ${recoveryMs} ms after the restart began (started in ${second.startedAt - second.startingAt} ms)\n`);

      while (watcher.seenAt.size < 110 * IDS.length) await new Promise((resolve) => setTimeout(resolve, 20));
      const expected = IDS.flatMap((id) => Array.from({ length: 110 }, (_, word) => `${id}:w${word}#${word + 1}`)).sort();
      expect(await readCommittedWithJavaConsumer(out)).toEqual(expected);
      expect(recoveryMs).toBeLessThan(5_000);
    } finally {
      for (const { child, exited } of running) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
      await watcher.stop();
      await remove();
    }
  });
});
