import type { PbTypedValue } from '@keyflow/sdk/protocol';

/** A record a function sent to an egress. */
export interface EgressRecord {
  /** The egress typename, e.g. `example/greetings`. */
  readonly egress: string;
  readonly value: PbTypedValue;
}
