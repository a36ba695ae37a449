import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyflowError, type Logger } from '@keyflow/sdk';
import type { StateBackend } from '../state/state-backend';
import { CheckpointErrorCodes } from './checkpoint-error-codes';

/** The file in a state folder that names the savepoint its lineage started from. */
export const SAVEPOINT_START_FILE = 'from-savepoint.json';

/**
 * Whether `--from-savepoint <uri>` restores into `stateDir`: returns `uri` when the folder holds
 * no state yet, and undefined when the folder's own lineage began from that very savepoint (a
 * restart with the same command line, as a pod's restart is: it resumes from its checkpoints).
 *
 * A folder with other state is refused with `KF_SAVEPOINT_STATE_DIR_NOT_EMPTY`: its ingress logs
 * hold messages of another lineage, which the savepoint's positions would replay into the
 * savepoint's state, and its state would be replaced. Nothing there is deleted for the user.
 */
export async function savepointToRestore(stateDir: string, backend: StateBackend, uri: string, logger: Logger): Promise<string | undefined> {
  const held = await heldState(stateDir, backend);
  if (held === undefined) return uri;
  if ((await startedFrom(stateDir)) === uri) {
    logger.info('this state folder started from the savepoint before: resuming from its own checkpoints', { savepoint: uri, stateDir });
    return undefined;
  }
  throw new KeyflowError(
    CheckpointErrorCodes.SAVEPOINT_STATE_DIR_NOT_EMPTY,
    `--from-savepoint ${uri}: the state folder ${stateDir} already holds ${held}. Starting a savepoint there would mix two lineages ` +
      '(the folder\'s own ingress log would be replayed into the savepoint\'s state). Start from the savepoint with a new, empty --state-dir, ' +
      `or delete ${stateDir} first if nothing in it is needed.`,
  );
}

/** Notes in `stateDir` that its lineage started from `uri` (after the savepoint was restored). */
export async function noteSavepointStart(stateDir: string, uri: string): Promise<void> {
  await writeFile(join(stateDir, SAVEPOINT_START_FILE), JSON.stringify({ savepoint: uri, startedAt: new Date().toISOString() }));
}

async function startedFrom(stateDir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(stateDir, SAVEPOINT_START_FILE), 'utf8')) as { savepoint?: string }).savepoint;
  } catch {
    return undefined;
  }
}

/** What the folder holds, in words; undefined when it holds nothing of a runtime's. */
async function heldState(stateDir: string, backend: StateBackend): Promise<string | undefined> {
  for await (const entry of backend.scan('')) {
    if (entry !== undefined) return 'state';
  }
  const logs = join(stateDir, 'ingress');
  let ingresses: string[];
  try {
    ingresses = await readdir(logs);
  } catch {
    return undefined;
  }
  for (const ingress of ingresses) {
    const files = await readdir(join(logs, ingress)).catch(() => [] as string[]);
    for (const file of files) {
      if (file.endsWith('.log') && (await stat(join(logs, ingress, file))).size > 0) return `an ingress log with messages (${join(logs, ingress)})`;
    }
  }
  return undefined;
}
