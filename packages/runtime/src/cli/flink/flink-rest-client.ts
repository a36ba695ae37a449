import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { KeyflowError } from '@keyflow/sdk';
import { FlinkErrorCodes } from './flink-error-codes';

/** StateFun's job entry point in statefun-flink-distribution. */
export const STATEFUN_ENTRY_CLASS = 'org.apache.flink.statefun.flink.core.StatefulFunctionsJob';

/** What `POST /jars/:id/run` starts. */
export interface JobSubmission {
  readonly parallelism: number;
  /** Program arguments: StateFun merges `--key value` pairs into its configuration. */
  readonly programArgs: readonly string[];
  readonly savepointPath?: string;
}

/** A job as `GET /jobs/:id` describes it (the fields Keyflow reads). */
export interface JobDetails {
  readonly jid: string;
  readonly name: string;
  readonly state: string;
  readonly vertices: readonly { readonly id: string; readonly name: string; readonly parallelism: number; readonly status: string }[];
}

/** One failure of a job, as `GET /jobs/:id/exceptions` lists it. */
export interface JobFailure {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  readonly taskName?: string;
}

const POLL_MS = 300;
/** The pause before a failed savepoint is triggered again. */
const SAVEPOINT_RETRY_PAUSE_MS = 2_000;

/**
 * The parts of Flink's REST API (1.16) that `keyflow flink` uses: jar upload and run, job
 * status and failures, stop-with-savepoint, cancel.
 */
export class FlinkRestClient {
  constructor(readonly baseUrl: string) {}

  /** Uploads a job jar; resolves to the id `run` takes. */
  async uploadJar(path: string): Promise<string> {
    const form = new FormData();
    form.append('jarfile', await openAsBlob(path, { type: 'application/x-java-archive' }), basename(path));
    const body = await this.#request<{ filename: string; status: string }>('POST', '/jars/upload', form);
    return basename(body.filename);
  }

  /** Runs an uploaded jar's StateFun job; resolves to the job id. */
  async runJar(jarId: string, submission: JobSubmission): Promise<string> {
    const body = await this.#request<{ jobid: string }>('POST', `/jars/${encodeURIComponent(jarId)}/run`, {
      entryClass: STATEFUN_ENTRY_CLASS,
      parallelism: submission.parallelism,
      programArgsList: submission.programArgs,
      ...(submission.savepointPath === undefined ? {} : { savepointPath: submission.savepointPath, allowNonRestoredState: false }),
    });
    return body.jobid;
  }

  async job(jobId: string): Promise<JobDetails> {
    return this.#request<JobDetails>('GET', `/jobs/${jobId}`);
  }

  /** Failures of the job, newest first. */
  async failures(jobId: string): Promise<JobFailure[]> {
    const body = await this.#request<{ exceptionHistory?: { entries?: JobFailure[] } }>('GET', `/jobs/${jobId}/exceptions`);
    return body.exceptionHistory?.entries ?? [];
  }

  /** Resolves once every task of the job runs; throws `KF_FLINK_JOB_FAILED` if it fails or the time runs out. */
  async waitUntilRunning(jobId: string, timeoutMs: number): Promise<JobDetails> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(jobId);
      if (job.state === 'RUNNING' && job.vertices.every((vertex) => vertex.status === 'RUNNING')) return job;
      if (['FAILED', 'CANCELED', 'FINISHED'].includes(job.state) || Date.now() > deadline) {
        const [failure] = await this.failures(jobId).catch(() => []);
        throw new KeyflowError(
          FlinkErrorCodes.JOB_FAILED,
          `The StateFun job ${jobId} is ${job.state}${Date.now() > deadline ? ` after ${timeoutMs} ms` : ''}, not running. ${failure ? `Flink says: ${firstLines(failure.stacktrace)}` : 'See the JobManager log.'}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Takes a savepoint in `targetDirectory` and cancels the job once it is complete; resolves to
   * the savepoint's path. A savepoint that fails (one that outlives the cluster's checkpoint
   * timeout expires) is triggered again, `onRetry` told why, until `timeoutMs` have passed; the
   * error then says which tasks had not acknowledged the last one. (Not stop-with-savepoint:
   * StateFun 3.3's legacy Kafka source fails that with Handover$ClosedException.)
   */
  async savepointAndCancel(jobId: string, targetDirectory: string, timeoutMs: number, onRetry?: (cause: string) => void): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { 'request-id': requestId } = await this.#request<{ 'request-id': string }>('POST', `/jobs/${jobId}/savepoints`, {
        'target-directory': targetDirectory,
        'cancel-job': true,
      });
      const outcome = await this.#savepointOutcome(jobId, requestId, deadline);
      if (outcome.location !== undefined) return outcome.location;
      if (outcome.cause === undefined) {
        throw new KeyflowError(
          FlinkErrorCodes.SAVEPOINT_FAILED,
          `The savepoint of job ${jobId} did not complete within ${timeoutMs} ms${await this.#pendingCheckpoint(jobId)}; see the JobManager log.`,
        );
      }
      if (Date.now() + SAVEPOINT_RETRY_PAUSE_MS > deadline) {
        throw new KeyflowError(FlinkErrorCodes.SAVEPOINT_FAILED, `The savepoint of job ${jobId} failed: ${outcome.cause}`);
      }
      onRetry?.(outcome.cause);
      await sleep(SAVEPOINT_RETRY_PAUSE_MS);
    }
  }

  /** Waits for savepoint `requestId`: its location, or why it failed, or neither at the deadline. */
  async #savepointOutcome(jobId: string, requestId: string, deadline: number): Promise<{ location?: string; cause?: string }> {
    for (;;) {
      const body = await this.#request<{ status: { id: string }; operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string } } }>(
        'GET',
        `/jobs/${jobId}/savepoints/${requestId}`,
      );
      if (body.status.id === 'COMPLETED') {
        const location = body.operation?.location;
        return location !== undefined ? { location } : { cause: firstLines(body.operation?.['failure-cause']?.['stack-trace'] ?? 'no cause given') };
      }
      if (Date.now() > deadline) return {};
      await sleep(POLL_MS);
    }
  }

  /** `, checkpoint 12 acknowledged by 5 of 7 subtasks (waiting on: <task> 0/2)` for the savepoint in progress; '' if there is none or Flink does not say. */
  async #pendingCheckpoint(jobId: string): Promise<string> {
    try {
      const { history } = await this.#request<{ history: { id: number; status: string; num_subtasks: number; num_acknowledged_subtasks: number }[] }>('GET', `/jobs/${jobId}/checkpoints`);
      const pending = history.find((checkpoint) => checkpoint.status === 'IN_PROGRESS');
      if (pending === undefined) return '';
      const details = await this.#request<{ tasks: Record<string, { num_subtasks: number; num_acknowledged_subtasks: number }> }>('GET', `/jobs/${jobId}/checkpoints/details/${pending.id}`);
      const job = await this.#request<JobDetails>('GET', `/jobs/${jobId}`);
      const waiting = Object.entries(details.tasks)
        .filter(([, task]) => task.num_acknowledged_subtasks < task.num_subtasks)
        .map(([id, task]) => `${job.vertices.find((vertex) => vertex.id === id)?.name ?? id} ${task.num_acknowledged_subtasks}/${task.num_subtasks}`);
      return `, checkpoint ${pending.id} acknowledged by ${pending.num_acknowledged_subtasks} of ${pending.num_subtasks} subtasks (waiting on: ${waiting.join(', ')})`;
    } catch {
      return '';
    }
  }

  async cancel(jobId: string): Promise<void> {
    await this.#request<unknown>('PATCH', `/jobs/${jobId}?mode=cancel`);
  }

  async #request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: FormData | object): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        ...(body instanceof FormData ? { body } : body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch (error) {
      throw new KeyflowError(FlinkErrorCodes.REST_FAILED, `Could not reach Flink's REST API at ${url} (${(error as Error).message}); is the cluster running?`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      let errors = text;
      try {
        errors = ((JSON.parse(text) as { errors?: string[] }).errors ?? [text]).map(firstLines).join('; ');
      } catch {
        // Not JSON: the text as it is.
      }
      throw new KeyflowError(FlinkErrorCodes.REST_FAILED, `${method} ${url} answered ${response.status}: ${errors}`);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/** The first lines of a Java stack trace: the exception and its causes, without frames. */
export function firstLines(stacktrace: string): string {
  return stacktrace
    .split('\n')
    .filter((line) => !/^\s+at |^\s+\.\.\. \d+ more/.test(line))
    .slice(0, 6)
    .join(' | ')
    .trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
