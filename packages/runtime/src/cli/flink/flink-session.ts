import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { FlinkErrorCodes } from './flink-error-codes';

/** What a running `keyflow flink up` writes to `<dir>/session.json` for `savepoint` and `down`. */
export interface FlinkSession {
  /** The `keyflow flink up` process. */
  readonly pid: number;
  readonly restUrl: string;
  readonly jobId: string;
  readonly clusterDir: string;
  readonly savepointsDir: string;
  /** The local broker's folder when `--kafka local` started one. */
  readonly kafkaDir: string | undefined;
  readonly functionsPid: number | undefined;
  /** The function service's URL, when `up` started one. */
  readonly functionsUrl: string | undefined;
}

const FILE = 'session.json';

export async function writeSession(dir: string, session: FlinkSession): Promise<void> {
  await writeFile(join(dir, FILE), `${JSON.stringify(session, null, 2)}\n`);
}

/** The session of `dir`; throws `KF_FLINK_NO_SESSION` when no `keyflow flink up` runs there. */
export async function readSession(dir: string): Promise<FlinkSession> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch {
    throw new KeyflowError(FlinkErrorCodes.NO_SESSION, `No 'keyflow flink up' runs for ${dir} (no ${join(dir, FILE)}); start one, or pass the --dir it was started with.`);
  }
  return JSON.parse(text) as FlinkSession;
}

export async function removeSession(dir: string): Promise<void> {
  await rm(join(dir, FILE), { force: true });
}
