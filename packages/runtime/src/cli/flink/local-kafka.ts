import { createServer } from 'node:net';
import { FlinkErrorCodes } from './flink-error-codes';
import { runToolScript, toolScript } from './repo-tools';

/** Starts a one-node Kafka broker (tools/kafka/kafka.sh) in `dir` on free ports; resolves to its bootstrap address. */
export async function startLocalKafka(dir: string): Promise<string> {
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const args = ['start', '--dir', dir, '--port', String(port), '--controller-port', String(controllerPort), '--set', 'transaction.state.log.num.partitions=4', '--set', 'offsets.topic.num.partitions=4'];
  const started = await runToolScript(toolScript('kafka'), args, FlinkErrorCodes.KAFKA_FAILED);
  return started['KAFKA_BOOTSTRAP'] ?? '';
}

/** Stops the broker of `dir`. */
export async function stopLocalKafka(dir: string): Promise<void> {
  await runToolScript(toolScript('kafka'), ['stop', '--dir', dir], FlinkErrorCodes.KAFKA_FAILED);
}

/** A TCP port of 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Creates the topics that do not exist yet on `bootstrap` (Kafka's TopicCommand, one per topic). */
export async function createTopics(bootstrap: string, topics: readonly string[], partitions: number): Promise<void> {
  const script = toolScript('kafka');
  await Promise.all(
    [...new Set(topics)].map((topic) =>
      runToolScript(
        script,
        ['tool', 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--create', '--if-not-exists', '--topic', topic, '--partitions', String(partitions)],
        FlinkErrorCodes.KAFKA_FAILED,
      ),
    ),
  );
}
