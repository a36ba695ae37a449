import { resolve } from 'node:path';
import { parseFlinkDirArgument } from './flink-arguments';
import { stopCluster } from './flink-cluster';
import { readSession, removeSession } from './flink-session';
import { stopLocalKafka } from './local-kafka';

const STOP_TIMEOUT_MS = 60_000;

/**
 * `keyflow flink down`: asks the `keyflow flink up` of the folder to stop everything and waits
 * until it has; if that process is gone, stops what it left behind.
 */
export async function flinkDownCommand(args: readonly string[]): Promise<number> {
  const dir = resolve(parseFlinkDirArgument(args, 'down'));
  const session = await readSession(dir);
  if (signal(session.pid, 'SIGTERM')) {
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (signal(session.pid, 0) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
    if (!signal(session.pid, 0)) {
      console.log(`Stopped the Flink cluster, the function service and Kafka of ${dir}.`);
      return 0;
    }
  }
  // The up process is gone (or stuck): stop its children directly.
  await stopCluster(session.clusterDir);
  if (session.functionsPid !== undefined) signal(session.functionsPid, 'SIGTERM');
  if (session.kafkaDir !== undefined) await stopLocalKafka(session.kafkaDir);
  await removeSession(dir);
  console.log(`Stopped what 'keyflow flink up' left running in ${dir}.`);
  return 0;
}

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
