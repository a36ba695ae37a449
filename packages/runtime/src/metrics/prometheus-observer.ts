import { Gauge, type Registry } from 'prom-client';
import { CounterFamily, HistogramFamily, type CounterSeries, type HistogramSeries } from './series-families';
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
  readonly messagesIn: CounterSeries;
  readonly sentMessages: CounterSeries;
  readonly sentDelayed: CounterSeries;
  readonly sentEgress: CounterSeries;
  readonly batchSize: HistogramSeries;
  readonly batchDuration: HistogramSeries;
  readonly invocationDuration: HistogramSeries;
  readonly totals: FunctionTotals;
}

/**
 * The metric families the runtime reports as it works (counters and histograms), registered in
 * `registry`: a {@link RuntimeObserver} that records into Prometheus metrics.
 */
export class PrometheusObserver implements RuntimeObserver {
  readonly #ingressMessages: CounterFamily;
  readonly #functionMessagesIn: CounterFamily;
  readonly #functionMessagesOut: CounterFamily;
  readonly #batchSize: HistogramFamily;
  readonly #batchDuration: HistogramFamily;
  readonly #invocationDuration: HistogramFamily;
  readonly #egressRecords: CounterFamily;
  readonly #messagesParked: CounterFamily;
  readonly #parkedSeries = new Map<string, CounterSeries>();
  readonly #backpressurePauses: CounterSeries;
  readonly #checkpointDuration: HistogramSeries;
  readonly #checkpointSize: Gauge;
  readonly #checkpoints: CounterSeries;
  readonly #checkpointFailures: CounterSeries;
  readonly #lastCheckpointTime: Gauge;
  readonly #restoreDuration: Gauge;
  readonly #functions = new Map<string, FunctionSeries>();
  readonly #ingresses = new Map<string, CounterSeries>();
  readonly #egresses = new Map<string, CounterSeries>();
  #lastCheckpointAt = 0;
  /** The same counts as plain numbers, for the console. */
  readonly totals = new ActivityTotals();

  constructor(registry: Registry) {
    const registers = [registry];
    this.#ingressMessages = new CounterFamily(registry, 'keyflow_ingress_messages_total', 'Messages an ingress handed to the dispatcher.', ['ingress']);
    this.#functionMessagesIn = new CounterFamily(
      registry,
      'keyflow_function_messages_in_total',
      'Messages a function type processed (invocations whose batch took effect).',
      ['function_type'],
    );
    this.#functionMessagesOut = new CounterFamily(
      registry,
      'keyflow_function_messages_out_total',
      'What the responses of a function type sent: kind="message" to functions, "delayed" delayed messages, "egress" egress records.',
      ['function_type', 'kind'],
    );
    this.#batchSize = new HistogramFamily(registry, 'keyflow_function_batch_size_messages', 'Messages per batch sent to a function type.', BATCH_SIZE_BUCKETS, ['function_type']);
    this.#batchDuration = new HistogramFamily(
      registry,
      'keyflow_function_batch_duration_seconds',
      'From a batch leaving its mailbox to its effects taking hold: state load, endpoint calls (missing-state retries included), applying the response.',
      LATENCY_BUCKETS,
      ['function_type'],
    );
    this.#invocationDuration = new HistogramFamily(
      registry,
      'keyflow_function_invocation_duration_seconds',
      'One request to the endpoint of a function type until its answer (retries of a remote call included).',
      LATENCY_BUCKETS,
      ['function_type'],
    );
    this.#egressRecords = new CounterFamily(registry, 'keyflow_egress_records_total', 'Records functions sent to an egress.', ['egress']);
    this.#messagesParked = new CounterFamily(
      registry,
      'keyflow_function_messages_parked_total',
      'Messages of a function type parked after their invocation kept failing (keyflow messages list).',
      ['function_type'],
    );
    this.#backpressurePauses = new CounterFamily(
      registry,
      'keyflow_backpressure_pauses_total',
      'Times the dispatcher asked ingresses to pause (too many queued messages, or a mailbox over its batch cap).',
    ).series();
    this.#checkpoints = new CounterFamily(registry, 'keyflow_checkpoints_total', 'Checkpoints completed.').series();
    this.#checkpointFailures = new CounterFamily(
      registry,
      'keyflow_checkpoint_failures_total',
      'Checkpoints that could not be written (the next one takes what they captured).',
    ).series();
    this.#checkpointDuration = new HistogramFamily(registry, 'keyflow_checkpoint_duration_seconds', "From a checkpoint's instant to its being durable.", CHECKPOINT_BUCKETS).series();
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

  messageParked(functionType: string): void {
    let series = this.#parkedSeries.get(functionType);
    if (series === undefined) {
      series = this.#messagesParked.series(functionType);
      this.#parkedSeries.set(functionType, series);
    }
    series.value++;
  }

  ingressReceived(ingress: string): void {
    let child = this.#ingresses.get(ingress);
    if (child === undefined) {
      child = this.#ingressMessages.series(ingress);
      this.#ingresses.set(ingress, child);
      this.totals.ingresses.set(ingress, child);
    }
    child.value++;
  }

  batchCompleted(functionType: string, size: number, durationMs: number): void {
    const series = this.#series(functionType);
    series.messagesIn.value += size;
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
    series.sentMessages.value += messages;
    series.sentDelayed.value += delayed;
    series.sentEgress.value += egress;
  }

  egressEmitted(egress: string): void {
    let child = this.#egresses.get(egress);
    if (child === undefined) {
      child = this.#egressRecords.series(egress);
      this.#egresses.set(egress, child);
      this.totals.egresses.set(egress, child);
    }
    child.value++;
  }

  backpressureChanged(paused: boolean): void {
    if (paused) this.#backpressurePauses.value++;
    this.totals.backpressureChanged(paused);
  }

  checkpointCompleted(checkpoint: ObservedCheckpoint): void {
    this.#checkpoints.value++;
    this.#checkpointDuration.observe(checkpoint.durationMs / 1000);
    this.#checkpointSize.set(checkpoint.bytes);
    this.#lastCheckpointAt = Date.now();
    this.#lastCheckpointTime.set(this.#lastCheckpointAt / 1000);
    this.totals.checkpointEnded({ ...checkpoint, at: this.#lastCheckpointAt, failure: undefined });
  }

  checkpointFailed(checkpointId: number, reason: string): void {
    this.#checkpointFailures.value++;
    this.totals.checkpointEnded({ checkpointId, durationMs: 0, bytes: 0, addresses: 0, messages: 0, at: Date.now(), failure: reason });
  }

  restored(durationMs: number): void {
    this.#restoreDuration.set(durationMs / 1000);
  }

  #series(functionType: string): FunctionSeries {
    let series = this.#functions.get(functionType);
    if (series === undefined) {
      series = {
        messagesIn: this.#functionMessagesIn.series(functionType),
        sentMessages: this.#functionMessagesOut.series(functionType, 'message'),
        sentDelayed: this.#functionMessagesOut.series(functionType, 'delayed'),
        sentEgress: this.#functionMessagesOut.series(functionType, 'egress'),
        batchSize: this.#batchSize.series(functionType),
        batchDuration: this.#batchDuration.series(functionType),
        invocationDuration: this.#invocationDuration.series(functionType),
        totals: this.totals.functionTotals(functionType),
      };
      this.#functions.set(functionType, series);
    }
    return series;
  }
}
