import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ActivityTotals, type FunctionTotals } from './activity-totals';
import type { ObservedCheckpoint, RuntimeObserver } from './runtime-observer';

/** Seconds: from half a millisecond (in-process functions) to ten seconds (slow remote calls). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Messages per batch, up to StateFun's default `maxNumBatchRequests` of 1,000. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/** Seconds a checkpoint takes. */
const CHECKPOINT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The labelled children of one function type, made once (label lookups cost a hash each). */
interface FunctionSeries {
  readonly messagesIn: Counter.Internal;
  readonly sentMessages: Counter.Internal;
  readonly sentDelayed: Counter.Internal;
  readonly sentEgress: Counter.Internal;
  readonly batchSize: Histogram.Internal<string>;
  readonly batchDuration: Histogram.Internal<string>;
  readonly invocationDuration: Histogram.Internal<string>;
  readonly totals: FunctionTotals;
}

/**
 * The metric families the runtime reports as it works (counters and histograms), registered in
 * `registry`: a {@link RuntimeObserver} that records into Prometheus metrics.
 */
export class PrometheusObserver implements RuntimeObserver {
  readonly #ingressMessages: Counter<'ingress'>;
  readonly #functionMessagesIn: Counter<'function_type'>;
  readonly #functionMessagesOut: Counter<'function_type' | 'kind'>;
  readonly #batchSize: Histogram<'function_type'>;
  readonly #batchDuration: Histogram<'function_type'>;
  readonly #invocationDuration: Histogram<'function_type'>;
  readonly #egressRecords: Counter<'egress'>;
  readonly #backpressurePauses: Counter;
  readonly #checkpointDuration: Histogram;
  readonly #checkpointSize: Gauge;
  readonly #checkpoints: Counter;
  readonly #checkpointFailures: Counter;
  readonly #lastCheckpointTime: Gauge;
  readonly #restoreDuration: Gauge;
  readonly #functions = new Map<string, FunctionSeries>();
  readonly #ingresses = new Map<string, Counter.Internal>();
  readonly #egresses = new Map<string, Counter.Internal>();
  #lastCheckpointAt = 0;
  /** The same counts as plain numbers, for the console. */
  readonly totals = new ActivityTotals();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#ingressMessages = new Counter({
      name: 'keyflow_ingress_messages_total',
      help: 'Messages an ingress handed to the dispatcher.',
      labelNames: ['ingress'],
      registers,
    });
    this.#functionMessagesIn = new Counter({
      name: 'keyflow_function_messages_in_total',
      help: 'Messages a function type processed (invocations whose batch took effect).',
      labelNames: ['function_type'],
      registers,
    });
    this.#functionMessagesOut = new Counter({
      name: 'keyflow_function_messages_out_total',
      help: 'What the responses of a function type sent: kind="message" to functions, "delayed" delayed messages, "egress" egress records.',
      labelNames: ['function_type', 'kind'],
      registers,
    });
    this.#batchSize = new Histogram({
      name: 'keyflow_function_batch_size_messages',
      help: 'Messages per batch sent to a function type.',
      labelNames: ['function_type'],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.#batchDuration = new Histogram({
      name: 'keyflow_function_batch_duration_seconds',
      help: 'From a batch leaving its mailbox to its effects taking hold: state load, endpoint calls (missing-state retries included), applying the response.',
      labelNames: ['function_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#invocationDuration = new Histogram({
      name: 'keyflow_function_invocation_duration_seconds',
      help: 'One request to the endpoint of a function type until its answer (retries of a remote call included).',
      labelNames: ['function_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#egressRecords = new Counter({
      name: 'keyflow_egress_records_total',
      help: 'Records functions sent to an egress.',
      labelNames: ['egress'],
      registers,
    });
    this.#backpressurePauses = new Counter({
      name: 'keyflow_backpressure_pauses_total',
      help: 'Times the dispatcher asked ingresses to pause (too many queued messages, or a mailbox over its batch cap).',
      registers,
    });
    this.#checkpoints = new Counter({ name: 'keyflow_checkpoints_total', help: 'Checkpoints completed.', registers });
    this.#checkpointFailures = new Counter({
      name: 'keyflow_checkpoint_failures_total',
      help: 'Checkpoints that could not be written (the next one takes what they captured).',
      registers,
    });
    this.#checkpointDuration = new Histogram({
      name: 'keyflow_checkpoint_duration_seconds',
      help: 'From a checkpoint\'s instant to its being durable.',
      buckets: CHECKPOINT_BUCKETS,
      registers,
    });
    this.#checkpointSize = new Gauge({
      name: 'keyflow_checkpoint_last_size_bytes',
      help: 'Bytes the last completed checkpoint wrote to checkpoint storage (0 without one).',
      registers,
    });
    this.#lastCheckpointTime = new Gauge({
      name: 'keyflow_checkpoint_last_completed_timestamp_seconds',
      help: 'When the last checkpoint completed (Unix time); 0 before the first.',
      registers,
    });
    this.#restoreDuration = new Gauge({
      name: 'keyflow_restore_duration_seconds',
      help: 'How long the runtime took to restore its last checkpoint and start.',
      registers,
    });
  }

  /** When the last checkpoint completed (ms since the epoch), 0 before the first. */
  get lastCheckpointAt(): number {
    return this.#lastCheckpointAt;
  }

  ingressReceived(ingress: string): void {
    let child = this.#ingresses.get(ingress);
    if (child === undefined) {
      child = this.#ingressMessages.labels(ingress);
      this.#ingresses.set(ingress, child);
    }
    child.inc();
    this.totals.ingressReceived(ingress);
  }

  batchCompleted(functionType: string, size: number, durationMs: number): void {
    const series = this.#series(functionType);
    series.messagesIn.inc(size);
    series.batchSize.observe(size);
    series.batchDuration.observe(durationMs / 1000);
    series.totals.messages += size;
    series.totals.batches++;
    series.totals.batchMs += durationMs;
  }

  invocationAnswered(functionType: string, durationMs: number): void {
    this.#series(functionType).invocationDuration.observe(durationMs / 1000);
  }

  responseApplied(functionType: string, messages: number, delayed: number, egress: number): void {
    if (messages + delayed + egress === 0) return;
    const series = this.#series(functionType);
    if (messages > 0) series.sentMessages.inc(messages);
    if (delayed > 0) series.sentDelayed.inc(delayed);
    if (egress > 0) series.sentEgress.inc(egress);
  }

  egressEmitted(egress: string): void {
    let child = this.#egresses.get(egress);
    if (child === undefined) {
      child = this.#egressRecords.labels(egress);
      this.#egresses.set(egress, child);
    }
    child.inc();
    this.totals.egressEmitted(egress);
  }

  backpressureChanged(paused: boolean): void {
    if (paused) this.#backpressurePauses.inc();
    this.totals.backpressureChanged(paused);
  }

  checkpointCompleted(checkpoint: ObservedCheckpoint): void {
    this.#checkpoints.inc();
    this.#checkpointDuration.observe(checkpoint.durationMs / 1000);
    this.#checkpointSize.set(checkpoint.bytes);
    this.#lastCheckpointAt = Date.now();
    this.#lastCheckpointTime.set(this.#lastCheckpointAt / 1000);
    this.totals.checkpointEnded({ ...checkpoint, at: this.#lastCheckpointAt, failure: undefined });
  }

  checkpointFailed(checkpointId: number, reason: string): void {
    this.#checkpointFailures.inc();
    this.totals.checkpointEnded({ checkpointId, durationMs: 0, bytes: 0, addresses: 0, messages: 0, at: Date.now(), failure: reason });
  }

  restored(durationMs: number): void {
    this.#restoreDuration.set(durationMs / 1000);
  }

  #series(functionType: string): FunctionSeries {
    let series = this.#functions.get(functionType);
    if (series === undefined) {
      series = {
        messagesIn: this.#functionMessagesIn.labels(functionType),
        sentMessages: this.#functionMessagesOut.labels(functionType, 'message'),
        sentDelayed: this.#functionMessagesOut.labels(functionType, 'delayed'),
        sentEgress: this.#functionMessagesOut.labels(functionType, 'egress'),
        batchSize: this.#batchSize.labels(functionType),
        batchDuration: this.#batchDuration.labels(functionType),
        invocationDuration: this.#invocationDuration.labels(functionType),
        totals: this.totals.functionTotals(functionType),
      };
      this.#functions.set(functionType, series);
    }
    return series;
  }
}
