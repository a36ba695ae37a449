import { Registry, collectDefaultMetrics } from 'prom-client';
import { ActivityHistory } from './activity-history';
import { PrometheusObserver } from './prometheus-observer';
import { registerRuntimeGauges } from './runtime-gauges';
import type { RuntimeSources } from './runtime-sources';

/**
 * The Prometheus metrics of one runtime, in a registry of its own (several runtimes may share
 * a process): what the runtime reports through {@link observer}, what is read from `sources`
 * at each scrape, and Node's process metrics (CPU, memory, event-loop lag, GC).
 *
 * @example
 * const metrics = new RuntimeMetrics(sources);
 * response.setHeader('content-type', metrics.contentType).end(await metrics.text());
 */
export class RuntimeMetrics {
  readonly #registry = new Registry();
  /** Where the runtime's parts report. */
  readonly observer: PrometheusObserver;
  /** The last minutes of activity, for the console. */
  readonly history: ActivityHistory;

  constructor(readonly sources: RuntimeSources) {
    this.observer = new PrometheusObserver(this.#registry);
    this.history = new ActivityHistory(this.observer.totals, () => sources.endpointStats());
    const created = Date.now();
    registerRuntimeGauges(this.#registry, sources, () => this.observer.lastCheckpointAt || created);
    collectDefaultMetrics({ register: this.#registry });
  }

  /** The `Content-Type` of {@link text}: Prometheus' text exposition format 0.0.4. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in Prometheus' text exposition format. */
  text(): Promise<string> {
    return this.#registry.metrics();
  }

  /** Stops sampling the history. */
  close(): void {
    this.history.close();
  }
}
