import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { httpSend } from '../../src/test-support/http-post';

/** One sample of a metric family, as the Prometheus text parser reads it. */
export interface PromSample {
  readonly labels?: Record<string, string>;
  readonly value?: string;
  readonly buckets?: Record<string, string>;
  readonly count?: string;
  readonly sum?: string;
}

/** One metric family, as the Prometheus text parser reads it. */
export interface PromFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly PromSample[];
}

/**
 * A parsed scrape: the families (name, type, help) and every series by its own name. The parser
 * folds a histogram's `_bucket`, `_sum` and `_count` lines into one sample without labels, so a
 * histogram with labels loses its series; the series are read from a second pass without the
 * `# TYPE` lines, where every sample keeps its name and labels.
 */
export class Scrape {
  readonly families: ReadonlyMap<string, PromFamily>;
  readonly #series: ReadonlyMap<string, readonly PromSample[]>;

  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    const untyped = text
      .split('\n')
      .filter((line) => !line.startsWith('# TYPE '))
      .join('\n');
    const series = new Map<string, PromSample[]>();
    for (const family of parsePrometheusTextFormat(untyped)) series.set(family.name, [...(series.get(family.name) ?? []), ...family.metrics]);
    this.#series = series;
  }

  family(name: string): PromFamily {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`the scrape has no metric family ${name}`);
    return family;
  }

  /**
   * The value of the series `name` whose labels include `labels` (for a histogram family, the
   * value of its `_count` series); undefined when there is no such series.
   */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const seriesName = this.families.get(name)?.type === 'HISTOGRAM' ? `${name}_count` : name;
    const sample = (this.#series.get(seriesName) ?? []).find((metric) =>
      Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
    );
    return sample?.value === undefined ? undefined : Number(sample.value);
  }

  /** Every label value of every series. */
  labelValues(): string[] {
    return [...this.#series.values()].flatMap((samples) => samples.flatMap((sample) => Object.values(sample.labels ?? {})));
  }
}

/** Scrapes `GET <admin>/metrics` as Prometheus does and parses it with a Prometheus text parser. */
export async function scrape(adminUrl: string): Promise<Scrape> {
  const reply = await httpSend(`${adminUrl}/metrics`, { method: 'GET', headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' } });
  if (reply.status !== 200) throw new Error(`GET /metrics answered ${reply.status}: ${reply.body.toString('utf8')}`);
  return new Scrape(reply.body.toString('utf8'), String(reply.headers['content-type']));
}
