import type { ActivityTotals } from './activity-totals';
import type { EndpointStats } from './runtime-sources';

/** One point of a function type's recent activity. */
export interface FunctionPoint {
  /** Epoch ms at the end of the interval. */
  readonly at: number;
  /** Messages processed per second over the interval. */
  readonly messagesPerSecond: number;
  /** Mean batch duration over the interval, ms; null when no batch completed. */
  readonly meanBatchMs: number | null;
}

/** How often the history takes a sample, and how many it keeps (5 minutes). */
export const SAMPLE_INTERVAL_MS = 2_000;
const SAMPLES_KEPT = 150;

interface Sample {
  readonly at: number;
  readonly functions: ReadonlyMap<string, { readonly messages: number; readonly batches: number; readonly batchMs: number }>;
  readonly endpointFailures: ReadonlyMap<string, number>;
}

/**
 * The last minutes of the runtime's activity: every {@link SAMPLE_INTERVAL_MS} it copies the
 * totals, so that the console can plot throughput and latency per function type as they were,
 * not only as they are.
 */
export class ActivityHistory {
  readonly #samples: Sample[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly totals: ActivityTotals,
    private readonly endpointStats: () => ReadonlyMap<string, EndpointStats>,
    private readonly clock: () => number = Date.now,
  ) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Takes a sample now (the timer does it every interval). */
  sample(): void {
    const functions = new Map([...this.totals.functions].map(([type, totals]) => [type, { ...totals }]));
    const endpointFailures = new Map([...this.endpointStats()].map(([endpoint, stats]) => [endpoint, stats.failedAttempts]));
    this.#samples.push({ at: this.clock(), functions, endpointFailures });
    if (this.#samples.length > SAMPLES_KEPT) this.#samples.shift();
  }

  /** Per function type, one point per interval, oldest first; the last point runs up to now. */
  functions(): Map<string, FunctionPoint[]> {
    const now: Sample = { at: this.clock(), functions: this.totals.functions, endpointFailures: new Map() };
    const samples = [...this.#samples, now];
    const series = new Map<string, FunctionPoint[]>();
    for (const type of this.totals.functions.keys()) series.set(type, []);
    for (let index = 1; index < samples.length; index++) {
      const before = samples[index - 1] as Sample;
      const after = samples[index] as Sample;
      const seconds = (after.at - before.at) / 1000;
      if (seconds <= 0) continue;
      for (const [type, points] of series) {
        const a = before.functions.get(type) ?? { messages: 0, batches: 0, batchMs: 0 };
        const b = after.functions.get(type) ?? a;
        const batches = b.batches - a.batches;
        points.push({
          at: after.at,
          messagesPerSecond: (b.messages - a.messages) / seconds,
          meanBatchMs: batches > 0 ? (b.batchMs - a.batchMs) / batches : null,
        });
      }
    }
    return series;
  }

  /** Failed attempts of an endpoint within the last `windowMs` (about: whole samples). */
  recentFailures(endpoint: string, failedAttempts: number, windowMs: number): number {
    const since = this.clock() - windowMs;
    const base = this.#samples.find((sample) => sample.at >= since) ?? this.#samples.at(-1);
    return failedAttempts - (base?.endpointFailures.get(endpoint) ?? 0);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
