import type { PbTypedValue } from '@keyflow/sdk/protocol';

/**
 * The records one egress of the kit received, in order. It stands for the outside world, so it
 * outlives the runtime incarnations that write to it: records survive `kit.crash()`.
 */
export class EgressRecordList {
  readonly #records: PbTypedValue[] = [];

  constructor(readonly id: string) {}

  get records(): readonly PbTypedValue[] {
    return this.#records;
  }

  add(records: readonly { readonly value: PbTypedValue }[]): void {
    for (const record of records) this.#records.push(record.value);
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
   * types the kit knows by their type, JSON as objects, Kafka and Kinesis records as
   * `{ topic, key, value }` and `{ stream, partitionKey, value }`.
   */
  values(): unknown[];
  /** The records so far as they travel: typename and bytes. */
  records(): readonly PbTypedValue[];
  /** Forgets the records so far (later `values()` show only newer ones). */
  clear(): void;
}
