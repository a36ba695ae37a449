import type { EgressRecord } from './egress-record';

/** The bound of an {@link EgressBacklog}. */
export interface EgressBacklogLimits {
  /** Records at which the backlog is full. */
  readonly maxRecords: number;
  /** Bytes (see {@link egressRecordBytes}) at which the backlog is full. */
  readonly maxBytes: number;
}

/** What an {@link EgressBacklog} holds now. */
export interface EgressBacklogStats {
  /** Records emitted and not yet taken by their sinks (exactly-once: not yet committed). */
  readonly records: number;
  /** Their {@link egressRecordBytes}. */
  readonly bytes: number;
  /** True from when a limit was reached until the backlog is down to 90 % of both. */
  readonly full: boolean;
  /** How often the backlog became full since the runtime started. */
  readonly timesFull: number;
  /** The most records it held at once since the runtime started. */
  readonly peakRecords: number;
}

/** Once full, the backlog counts as drained again at this share of both limits. */
const DRAINED_AT_SHARE = 0.9;

/**
 * Counts the egress records a runtime holds for slow sinks — emitted and not yet written, or,
 * exactly-once, not yet committed — and says when they reach a bound: the runtime then stops
 * taking input until they drain, so that a slow destination holds up the input instead of
 * filling memory.
 */
export class EgressBacklog {
  readonly #limits: EgressBacklogLimits;
  readonly #listeners: ((full: boolean) => void)[] = [];
  #records = 0;
  #bytes = 0;
  #full = false;
  #timesFull = 0;
  #peakRecords = 0;

  constructor(limits: EgressBacklogLimits) {
    this.#limits = limits;
  }

  /** True while the backlog is over its bound (see {@link EgressBacklogStats.full}). */
  get full(): boolean {
    return this.#full;
  }

  /** Calls `listener` whenever the backlog becomes full or drained. */
  onChange(listener: (full: boolean) => void): void {
    this.#listeners.push(listener);
  }

  /** Counts records the runtime now holds. */
  add(records: readonly EgressRecord[]): void {
    this.#change(records, 1);
  }

  /** Stops counting records a sink took. */
  release(records: readonly EgressRecord[]): void {
    this.#change(records, -1);
  }

  stats(): EgressBacklogStats {
    return { records: this.#records, bytes: this.#bytes, full: this.#full, timesFull: this.#timesFull, peakRecords: this.#peakRecords };
  }

  #change(records: readonly EgressRecord[], sign: 1 | -1): void {
    if (records.length === 0) return;
    let bytes = 0;
    for (const record of records) bytes += egressRecordBytes(record);
    this.#records += sign * records.length;
    this.#bytes += sign * bytes;
    if (this.#records > this.#peakRecords) this.#peakRecords = this.#records;
    const { maxRecords, maxBytes } = this.#limits;
    const full = this.#full
      ? this.#records > maxRecords * DRAINED_AT_SHARE || this.#bytes > maxBytes * DRAINED_AT_SHARE
      : this.#records >= maxRecords || this.#bytes >= maxBytes;
    if (full === this.#full) return;
    this.#full = full;
    if (full) this.#timesFull++;
    for (const listener of this.#listeners) listener(full);
  }
}

/** What a record is counted as: its value's bytes and typename (the rest is small and fixed). */
export function egressRecordBytes(record: EgressRecord): number {
  return record.value.value.byteLength + record.value.typename.length;
}
