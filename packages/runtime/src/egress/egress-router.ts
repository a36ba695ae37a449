import { KeyflowError, type Logger } from '@keyflow/sdk';
import { RuntimeDefaults } from '../config/runtime-defaults';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { EgressBacklog } from './egress-backlog';
import type { EgressRecord } from './egress-record';
import type { EgressSink } from './egress-sink';
import type { StreamingEgressSink } from './streaming-egress-sink';
import type { TransactionalEgressSink } from './transactional-egress-sink';
import { NO_OBSERVER, type RuntimeObserver } from '../metrics/runtime-observer';

/** Records of exactly-once egresses that wait for a checkpoint, by egress id. */
export type PendingEgress = ReadonlyMap<string, readonly EgressRecord[]>;

/**
 * Hands egress records to their sinks: right after they are produced for `none` and
 * `at-least-once` sinks (gathered per event-loop turn into one write per sink; writes are
 * chained, so records keep their order), at checkpoint completion for `exactly-once` ones —
 * which, if they can, also stage them as they are produced (gathered the same way).
 *
 * Every record is counted in {@link backlog} from when it is emitted until its sink took it
 * (its write resolved, or, exactly-once, its checkpoint's commit did): the runtime stops taking
 * input while that backlog is full.
 */
export class EgressRouter {
  readonly #streaming = new Map<string, StreamingEgressSink>();
  readonly #transactional = new Map<string, TransactionalEgressSink>();
  /** Exactly-once records waiting for the next checkpoint. */
  #pending = new Map<string, EgressRecord[]>();
  /** Other records not yet handed to their sink: written together, soon after. */
  #unwritten = new Map<string, EgressRecord[]>();
  /** Exactly-once records not yet staged with their sink (only sinks that stage). */
  #unstaged = new Map<string, EgressRecord[]>();
  /** Exactly-once sinks that take records ahead of their checkpoint. */
  readonly #staging = new Map<string, StagingSink>();
  /** Pending maps handed out by {@link takePending}: the egresses whose records {@link backlog} still counts. */
  readonly #counted = new WeakMap<PendingEgress, Set<string>>();
  #handOverScheduled = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    sinks: readonly EgressSink[],
    private readonly logger: Logger,
    private readonly onFatal: (error: Error) => void,
    private readonly observer: RuntimeObserver = NO_OBSERVER,
    /** Counts the records not yet taken by their sinks; by default with the runtime's default bound. */
    readonly backlog: EgressBacklog = new EgressBacklog({
      maxRecords: RuntimeDefaults.MAX_STAGED_EGRESS_RECORDS,
      maxBytes: RuntimeDefaults.MAX_STAGED_EGRESS_BYTES,
    }),
  ) {
    for (const sink of sinks) {
      if (sink.deliverySemantic === 'exactly-once') {
        this.#transactional.set(sink.id, sink);
        if (isStaging(sink)) this.#staging.set(sink.id, sink);
      } else {
        this.#streaming.set(sink.id, sink);
      }
    }
  }

  has(egress: string): boolean {
    return this.#streaming.has(egress) || this.#transactional.has(egress);
  }

  /** Takes one record. Never throws for a known egress; write failures are fatal. */
  emit(record: EgressRecord): void {
    if (this.#transactional.has(record.egress)) {
      this.observer.egressEmitted(record.egress);
      this.backlog.add([record]);
      append(this.#pending, record.egress, record);
      if (!this.#staging.has(record.egress)) return;
      append(this.#unstaged, record.egress, record);
    } else if (this.#streaming.has(record.egress)) {
      this.observer.egressEmitted(record.egress);
      this.backlog.add([record]);
      append(this.#unwritten, record.egress, record);
    } else {
      throw new KeyflowError(RuntimeErrorCodes.UNKNOWN_EGRESS, `Egress ${record.egress} is not declared in module.yaml.`);
    }
    if (!this.#handOverScheduled) {
      this.#handOverScheduled = true;
      setImmediate(() => {
        this.#handOverScheduled = false;
        this.#stageUnstaged();
        this.#writeUnwritten();
      });
    }
  }

  /** Stages the exactly-once records gathered since the last call with their sinks. */
  #stageUnstaged(): void {
    if (this.#unstaged.size === 0) return;
    const unstaged = this.#unstaged;
    this.#unstaged = new Map();
    for (const [id, records] of unstaged) this.#staging.get(id)?.stage(records);
  }

  /** Hands the records gathered since the last call to their sinks, one write per sink, in order. */
  #writeUnwritten(): void {
    const unwritten = this.#unwritten;
    if (unwritten.size === 0) return;
    this.#unwritten = new Map();
    this.#writes = this.#writes
      .then(async () => {
        for (const [id, records] of unwritten) {
          await this.#streaming.get(id)?.write(records);
          this.backlog.release(records);
        }
      })
      .catch((error: unknown) => {
        this.logger.error('egress write failed', { error });
        this.onFatal(error instanceof Error ? error : new Error(String(error)));
      });
  }

  /** Every egress and its delivery semantic. */
  describe(): { id: string; deliverySemantic: string }[] {
    return [...this.#streaming.values(), ...this.#transactional.values()].map((sink) => ({ id: sink.id, deliverySemantic: sink.deliverySemantic }));
  }

  /** Exactly-once records waiting for the next checkpoint, per egress id. */
  pendingCounts(): Map<string, number> {
    return new Map([...this.#pending].map(([egress, records]) => [egress, records.length]));
  }

  /** Seals the records waiting for checkpoint `checkpointId` (called at its instant). */
  takePending(checkpointId: number): PendingEgress {
    this.#stageUnstaged();
    for (const sink of this.#staging.values()) sink.seal(checkpointId);
    const pending = this.#pending;
    this.#pending = new Map();
    this.#counted.set(pending, new Set(pending.keys()));
    return pending;
  }

  /** Puts back records taken for a checkpoint that failed, ahead of newer ones. */
  restorePending(pending: PendingEgress): void {
    // Its records are counted again through the next map that takes them.
    this.#counted.delete(pending);
    for (const [egress, records] of pending) {
      this.#pending.set(egress, [...records, ...(this.#pending.get(egress) ?? [])]);
    }
    for (const sink of this.#staging.values()) sink.reopen();
  }

  /** Exactly-once records waiting for the next checkpoint, over all egresses. */
  get pendingCount(): number {
    let count = 0;
    for (const records of this.#pending.values()) count += records.length;
    return count;
  }

  /**
   * Delivers the exactly-once records of a durable checkpoint (also those of a checkpoint
   * restored after a restart, which were never counted in the backlog).
   */
  async commit(checkpointId: number, pending: PendingEgress): Promise<void> {
    const counted = this.#counted.get(pending);
    for (const [egress, records] of pending) {
      const sink = this.#transactional.get(egress);
      if (!sink) {
        this.logger.warn('dropping committed records of an egress that is no longer declared', { egress, checkpointId });
      } else {
        await sink.commit(checkpointId, records);
      }
      // A commit retried after a later sink failed releases each egress's records once.
      if (counted?.delete(egress)) this.backlog.release(records);
    }
  }

  /** Waits until every record emitted so far to a not-exactly-once egress is written and durable. */
  async flush(): Promise<void> {
    this.#writeUnwritten();
    await this.#writes;
    await Promise.all([...this.#streaming.values()].map((sink) => sink.flush?.() ?? Promise.resolve()));
  }

  async close(): Promise<void> {
    await this.flush();
    for (const sink of [...this.#streaming.values(), ...this.#transactional.values()]) await sink.close();
  }
}

type StagingSink = TransactionalEgressSink & Required<Pick<TransactionalEgressSink, 'stage' | 'seal' | 'reopen'>>;

function isStaging(sink: TransactionalEgressSink): sink is StagingSink {
  return sink.stage !== undefined && sink.seal !== undefined && sink.reopen !== undefined;
}

function append(buffers: Map<string, EgressRecord[]>, egress: string, record: EgressRecord): void {
  const records = buffers.get(egress);
  if (records) records.push(record);
  else buffers.set(egress, [record]);
}
