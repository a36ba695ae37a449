import { KeyflowError, type Logger } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { EgressRecord } from './egress-record';
import type { EgressSink } from './egress-sink';

/** Records of exactly-once egresses that wait for a checkpoint, by egress id. */
export type PendingEgress = ReadonlyMap<string, readonly EgressRecord[]>;

/**
 * Hands egress records to their sinks: right after they are produced for `none` and
 * `at-least-once` sinks (gathered per event-loop turn into one write per sink; writes are
 * chained, so records keep their order), at checkpoint completion for `exactly-once` ones.
 */
export class EgressRouter {
  readonly #sinks = new Map<string, EgressSink>();
  /** Exactly-once records waiting for the next checkpoint. */
  #pending = new Map<string, EgressRecord[]>();
  /** Other records not yet handed to their sink: written together, soon after. */
  #unwritten = new Map<string, EgressRecord[]>();
  #writeScheduled = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    sinks: readonly EgressSink[],
    private readonly logger: Logger,
    private readonly onFatal: (error: Error) => void,
  ) {
    for (const sink of sinks) this.#sinks.set(sink.id, sink);
  }

  has(egress: string): boolean {
    return this.#sinks.has(egress);
  }

  /** Takes one record. Never throws for a known egress; write failures are fatal. */
  emit(record: EgressRecord): void {
    const sink = this.#sinks.get(record.egress);
    if (!sink) throw new KeyflowError(RuntimeErrorCodes.UNKNOWN_EGRESS, `Egress ${record.egress} is not declared in module.yaml.`);
    const buffers = sink.deliverySemantic === 'exactly-once' ? this.#pending : this.#unwritten;
    let records = buffers.get(sink.id);
    if (!records) buffers.set(sink.id, (records = []));
    records.push(record);
    if (buffers === this.#unwritten && !this.#writeScheduled) {
      this.#writeScheduled = true;
      setImmediate(() => this.#writeUnwritten());
    }
  }

  /** Hands the records gathered since the last call to their sinks, one write per sink, in order. */
  #writeUnwritten(): void {
    this.#writeScheduled = false;
    const unwritten = this.#unwritten;
    if (unwritten.size === 0) return;
    this.#unwritten = new Map();
    this.#writes = this.#writes
      .then(async () => {
        for (const [id, records] of unwritten) await (this.#sinks.get(id) as EgressSink).write(records);
      })
      .catch((error: unknown) => {
        this.logger.error('egress write failed', { error });
        this.onFatal(error instanceof Error ? error : new Error(String(error)));
      });
  }

  /** Seals the records waiting for the next checkpoint (called at the checkpoint instant). */
  takePending(): PendingEgress {
    const pending = this.#pending;
    this.#pending = new Map();
    return pending;
  }

  /** Puts back records taken for a checkpoint that failed, ahead of newer ones. */
  restorePending(pending: PendingEgress): void {
    for (const [egress, records] of pending) {
      this.#pending.set(egress, [...records, ...(this.#pending.get(egress) ?? [])]);
    }
  }

  /** Delivers the exactly-once records of a durable checkpoint. */
  async commit(checkpointId: number, pending: PendingEgress): Promise<void> {
    for (const [egress, records] of pending) {
      const sink = this.#sinks.get(egress);
      if (!sink) {
        this.logger.warn('dropping committed records of an egress that is no longer declared', { egress, checkpointId });
        continue;
      }
      await sink.commit(checkpointId, records);
    }
  }

  /** Waits until every record emitted so far to a not-exactly-once egress is written and durable. */
  async flush(): Promise<void> {
    this.#writeUnwritten();
    await this.#writes;
    await Promise.all([...this.#sinks.values()].map((sink) => sink.flush?.() ?? Promise.resolve()));
  }

  async close(): Promise<void> {
    await this.flush();
    for (const sink of this.#sinks.values()) await sink.close();
  }
}
