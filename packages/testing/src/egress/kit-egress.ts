import type { DeliverySemantic, EgressRecord, EgressSink } from '@keyflow/runtime';
import type { PbTypedValue } from '@keyflow/sdk/protocol';

/**
 * An egress of the kit: keeps every record it is given, as the outside world would (records
 * survive `kit.crash()`). `at-least-once` records arrive as functions emit them, so a crash
 * and replay may repeat some; `exactly-once` records arrive once their checkpoint is durable.
 */
export class KitEgressSink implements EgressSink {
  readonly #records: PbTypedValue[] = [];
  #lastCommitted = 0;

  constructor(
    readonly id: string,
    readonly deliverySemantic: DeliverySemantic,
  ) {}

  /** Every record received so far, in order. */
  get records(): readonly PbTypedValue[] {
    return this.#records;
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    for (const record of records) this.#records.push(record.value);
  }

  /** Idempotent per checkpoint id, as exactly-once sinks must be: a restart delivers a committed checkpoint again. */
  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    if (checkpointId <= this.#lastCommitted) return;
    this.#lastCommitted = checkpointId;
    await this.write(records);
  }

  /** The kit's sinks outlive the runtime incarnations they serve; {@link KitEgressSink.clear} empties one. */
  async close(): Promise<void> {
    // Records stay readable after the runtime closed: they are the test's to inspect.
  }

  /** Forgets the records received so far. */
  clear(): void {
    this.#records.length = 0;
  }
}

/** What `kit.egress(id)` returns: the records of one egress, raw or decoded. */
export interface KitEgress {
  /** The egress typename. */
  readonly id: string;
  /**
   * The value of every record so far, in order, decoded: built-in types as their values,
   * types the kit knows by their {@link Type}, JSON as objects, Kafka and Kinesis records as
   * `{ topic, key, value }` and `{ stream, partitionKey, value }`.
   */
  values(): unknown[];
  /** The records so far as they travel: typename and bytes. */
  records(): readonly PbTypedValue[];
  /** Forgets the records so far (later `values()` show only newer ones). */
  clear(): void;
}
