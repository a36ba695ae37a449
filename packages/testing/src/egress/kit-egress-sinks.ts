import type { DeliverySemantic, EgressRecord, EgressSink, StreamingEgressSink, TransactionalEgressSink } from '@keyflow/runtime/kinds';
import type { EgressRecordList } from './kit-egress';

/**
 * The sink of one kit egress for one runtime incarnation, over the egress's record list:
 * `none` and `at-least-once` records arrive as functions emit them (a crash and replay may
 * repeat some); `exactly-once` ones once their checkpoint is durable, once per checkpoint id.
 */
export function kitEgressSink(list: EgressRecordList, delivery: DeliverySemantic, committed: CommittedCheckpoints): EgressSink {
  if (delivery === 'exactly-once') return new KitTransactionalSink(list, committed);
  return new KitStreamingSink(list, delivery);
}

/** The last checkpoint id each exactly-once egress committed: kept across incarnations, as a sink's destination keeps it. */
export type CommittedCheckpoints = Map<string, number>;

class KitStreamingSink implements StreamingEgressSink {
  readonly id: string;

  constructor(
    private readonly list: EgressRecordList,
    readonly deliverySemantic: 'none' | 'at-least-once',
  ) {
    this.id = list.id;
  }

  async write(records: readonly EgressRecord[]): Promise<void> {
    this.list.add(records);
  }

  async close(): Promise<void> {
    // The records stay in the list: they are the test's to inspect.
  }
}

class KitTransactionalSink implements TransactionalEgressSink {
  readonly id: string;
  readonly deliverySemantic = 'exactly-once';

  constructor(
    private readonly list: EgressRecordList,
    private readonly committed: CommittedCheckpoints,
  ) {
    this.id = list.id;
  }

  /** Idempotent per checkpoint id, as exactly-once sinks must be: a restart delivers a committed checkpoint again. */
  async commit(checkpointId: number, records: readonly EgressRecord[]): Promise<void> {
    if (checkpointId <= (this.committed.get(this.id) ?? 0)) return;
    this.committed.set(this.id, checkpointId);
    this.list.add(records);
  }

  async close(): Promise<void> {
    // The records stay in the list: they are the test's to inspect.
  }
}
