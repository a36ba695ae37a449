import { resolve } from 'node:path';
import { parseFlinkDirArgument } from './flink-arguments';
import { FlinkRestClient } from './flink-rest-client';
import { readSession } from './flink-session';

const SAVEPOINT_TIMEOUT_MS = 180_000;

/** `keyflow flink savepoint`: takes a savepoint of the job of a running `keyflow flink up` and stops the job. */
export async function flinkSavepointCommand(args: readonly string[]): Promise<number> {
  const dir = resolve(parseFlinkDirArgument(args, 'savepoint'));
  const session = await readSession(dir);
  const rest = new FlinkRestClient(session.restUrl);
  const path = await rest.savepointAndCancel(session.jobId, session.savepointsDir, SAVEPOINT_TIMEOUT_MS, (cause) => {
    process.stderr.write(`[keyflow flink] the savepoint failed (${cause}); triggering it again\n`);
  });
  console.log(`Savepoint written and the job stopped: ${path}`);
  console.log(`Resume, with any parallelism: keyflow flink down, then keyflow flink up ... --from-savepoint ${path} --parallelism <n>`);
  console.log(`KEYFLOW_FLINK_SAVEPOINT=${path}`);
  return 0;
}
