import type { PbTypedValue } from '@keyflow/sdk/protocol';
import type { TraceParent } from '../tracing/trace-parent';

/** A record a function sent to an egress. */
export interface EgressRecord {
  /** The egress typename, e.g. `example/greetings`. */
  readonly egress: string;
  readonly value: PbTypedValue;
  /**
   * The invocation that sent it, when it is in a recorded trace: an egress that writes records
   * with headers (Kafka) adds it as their `traceparent`, so the trace goes on downstream.
   */
  readonly trace?: TraceParent;
}
