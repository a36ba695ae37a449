import type { KeyflowRuntime } from '../runtime/keyflow-runtime';

/** The status of a savepoint the admin API was asked for. */
export interface SavepointJob {
  readonly id: number;
  status: 'running' | 'done' | 'failed';
  entries: number;
  bytes: number;
  /** About how many bytes the whole savepoint will have (the state's size when it started). */
  expectedBytes: number;
  uri?: string;
  error?: string;
}

/** Savepoints taken through the admin API, each followed until it finishes. */
export class SavepointJobs {
  readonly #jobs = new Map<number, SavepointJob>();
  #nextId = 1;

  constructor(private readonly runtime: KeyflowRuntime) {}

  async start(): Promise<SavepointJob> {
    const job: SavepointJob = { id: this.#nextId++, status: 'running', entries: 0, bytes: 0, expectedBytes: 0 };
    this.#jobs.set(job.id, job);
    job.expectedBytes = await this.runtime.approximateStateBytes();
    this.runtime
      .savepoint((progress) => {
        job.entries = progress.entries;
        job.bytes = progress.bytes;
      })
      .then(
        (result) => {
          job.status = 'done';
          job.uri = result.uri;
          job.entries = result.entries;
        },
        (error: unknown) => {
          job.status = 'failed';
          job.error = (error as Error).message;
        },
      );
    return job;
  }

  get(id: number): SavepointJob | undefined {
    return this.#jobs.get(id);
  }
}
