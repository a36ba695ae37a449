import type { Metric, Registry } from 'prom-client';

// Counters and histograms whose hot path is plain arithmetic on an object the caller keeps:
// prom-client's own labelled children hash their labels on every inc/observe, which cost the
// embedded runtime a measurable share of its throughput (bench/runtime/observability-overhead.ts).
// The registry reads them only when scraped, through the `get()` every prom-client metric has.

/** One exposed sample, as prom-client's registry formats it. */
interface Sample {
  readonly metricName?: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/** What prom-client's registry reads of a metric when it is scraped. */
interface Exposed {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: readonly Sample[];
}

/** One series of a {@link CounterFamily}: add to `value`. */
export interface CounterSeries {
  value: number;
}

/** One series of a {@link HistogramFamily}. */
export class HistogramSeries {
  /** Per bucket, the observations up to its bound and above the previous one. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= (bounds[index] as number)) {
        this.counts[index] = (this.counts[index] as number) + 1;
        return;
      }
    }
  }
}

/** A family of counters, one per value of its label (or one without a label), registered in `registry`. */
export class CounterFamily {
  readonly #series = new Map<string, CounterSeries>();

  constructor(
    registry: Registry,
    private readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
  ) {
    register(registry, this);
  }

  /** The series of these label values (in `labelNames` order), made on first use. */
  series(...labelValues: string[]): CounterSeries {
    const key = labelValues.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { value: 0 };
      this.#series.set(key, series);
    }
    return series;
  }

  get(): Promise<Exposed> {
    if (this.labelNames.length === 0 && this.#series.size === 0) this.series();
    const values = [...this.#series].map(([key, series]) => ({ labels: labelsOf(this.labelNames, key), value: series.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: 'counter', aggregator: 'sum', values });
  }
}

/** A family of histograms with the same buckets, one per value of its label, registered in `registry`. */
export class HistogramFamily {
  readonly #series = new Map<string, HistogramSeries>();

  constructor(
    registry: Registry,
    private readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
    private readonly labelNames: readonly string[] = [],
  ) {
    register(registry, this);
  }

  series(...labelValues: string[]): HistogramSeries {
    const key = labelValues.join('\u0000');
    let series = this.#series.get(key);
    if (series === undefined) {
      series = new HistogramSeries(this.buckets);
      this.#series.set(key, series);
    }
    return series;
  }

  get(): Promise<Exposed> {
    const values: Sample[] = [];
    for (const [key, series] of this.#series) {
      const labels = labelsOf(this.labelNames, key);
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += series.counts[index] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: series.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values });
  }
}

function labelsOf(names: readonly string[], key: string): Record<string, string> {
  if (names.length === 0) return {};
  const values = key.split('\u0000');
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']));
}

// The registry takes any object with its metrics' name and get(); its type names only its own classes.
function register(registry: Registry, family: CounterFamily | HistogramFamily): void {
  registry.registerMetric(family as unknown as Metric);
}
