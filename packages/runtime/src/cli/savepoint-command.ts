import type { SavepointJob } from '../admin/savepoint-jobs';
import { CheckpointErrorCodes } from '../checkpoint/checkpoint-error-codes';
import { adminRequest, adminTokenOf, adminUrlOf } from './admin-client';

export const SAVEPOINT_USAGE = `Usage: keyflow savepoint --admin <url>

Asks a running runtime (started with --port-admin) for a savepoint, shows its progress, and
prints its URI, to pass to 'keyflow run --from-savepoint <uri>'.

Options:
  --admin <url>          the runtime's admin API, e.g. http://127.0.0.1:8091
  --admin-token <token>  the admin API's token, when it has one (or KEYFLOW_ADMIN_TOKEN)`;

const BAR_WIDTH = 30;
const POLL_MS = 200;

/** `keyflow savepoint --admin <url>`: returns the exit code. */
export async function savepointCommand(args: readonly string[]): Promise<number> {
  const admin = adminUrlOf(args, SAVEPOINT_USAGE);
  const token = adminTokenOf(args);
  const started = await adminRequest<SavepointJob>(`${admin}/savepoint`, 'POST', CheckpointErrorCodes.SAVEPOINT_FAILED, token);
  let job = started;
  const interactive = process.stderr.isTTY === true;
  while (job.status === 'running') {
    drawProgress(job, interactive);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await adminRequest<SavepointJob>(`${admin}/savepoints/${started.id}`, 'GET', CheckpointErrorCodes.SAVEPOINT_FAILED, token);
  }
  drawProgress(job, interactive);
  process.stderr.write('\n');
  if (job.status === 'failed') {
    console.error(`The savepoint failed: ${job.error ?? 'unknown error'}`);
    return 1;
  }
  console.log(`Savepoint written: ${job.uri ?? ''} (${job.entries.toLocaleString('en-US')} entries)`);
  console.log(`Start from it with: keyflow run --module <module.yaml> --from-savepoint ${job.uri ?? ''}`);
  return 0;
}

function drawProgress(job: SavepointJob, interactive: boolean): void {
  const fraction = job.status === 'done' ? 1 : job.expectedBytes > 0 ? Math.min(0.99, job.bytes / job.expectedBytes) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.round(fraction * 100)}% ${job.entries.toLocaleString('en-US')} entries`;
  process.stderr.write(interactive ? `\r${bar}` : `${bar}\n`);
}
