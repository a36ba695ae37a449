import { KeyflowError } from '@keyflow/sdk';
import type { SavepointJob } from '../admin/savepoint-jobs';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

export const SAVEPOINT_USAGE = `Usage: keyflow savepoint --admin <url>

Asks a running runtime (started with --port-admin) for a savepoint, shows its progress, and
prints its URI, to pass to 'keyflow run --from-savepoint <uri>'.

Options:
  --admin <url>   the runtime's admin API, e.g. http://127.0.0.1:8091`;

const BAR_WIDTH = 30;
const POLL_MS = 200;

/** `keyflow savepoint --admin <url>`: returns the exit code. */
export async function savepointCommand(args: readonly string[]): Promise<number> {
  const admin = adminUrl(args);
  const started = await request<SavepointJob>(`${admin}/savepoint`, 'POST');
  let job = started;
  const interactive = process.stderr.isTTY === true;
  while (job.status === 'running') {
    drawProgress(job, interactive);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await request<SavepointJob>(`${admin}/savepoints/${started.id}`, 'GET');
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

function adminUrl(args: readonly string[]): string {
  const index = args.indexOf('--admin');
  const inline = args.find((arg) => arg.startsWith('--admin='))?.slice('--admin='.length);
  const value = inline ?? (index >= 0 ? args[index + 1] : undefined);
  if (value === undefined || value.startsWith('--')) {
    throw new KeyflowError(RuntimeErrorCodes.CLI_USAGE, `--admin is required.\n\n${SAVEPOINT_USAGE}`);
  }
  return value.replace(/\/+$/, '');
}

async function request<T>(url: string, method: 'GET' | 'POST'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (error) {
    throw new KeyflowError(
      RuntimeErrorCodes.CLI_USAGE,
      `Could not reach the admin API at ${url} (${(error as Error).message}); is the runtime running with --port-admin?`,
    );
  }
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new KeyflowError('KF_SAVEPOINT_FAILED', body.message ?? `${url} answered ${response.status}`);
  return body;
}

function drawProgress(job: SavepointJob, interactive: boolean): void {
  const fraction = job.status === 'done' ? 1 : job.expectedBytes > 0 ? Math.min(0.99, job.bytes / job.expectedBytes) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.round(fraction * 100)}% ${job.entries.toLocaleString('en-US')} entries`;
  process.stderr.write(interactive ? `\r${bar}` : `${bar}\n`);
}
