import type { DeliverySemantic } from '@keyflow/runtime/kinds';
import type { FunctionClass, Type } from '@keyflow/sdk';

/** An egress of the kit: its typename, or its typename and delivery (default `at-least-once`). */
export type KitEgressOption = string | { readonly id: string; readonly delivery: DeliverySemantic };

/** Options of {@link TestKit.start}. Give either `functions` or `endpoint`. */
export interface TestKitOptions {
  /** Function classes to run in process, as the runtime's embedded endpoint runs them. */
  readonly functions?: readonly FunctionClass[];
  /**
   * Instead of `functions`: the URL of a remote function service (any StateFun SDK) that serves
   * every function the test addresses. `{function.name}` in it is replaced as in module.yaml.
   */
  readonly endpoint?: string;
  /** The egresses functions may send to. */
  readonly egresses?: readonly KitEgressOption[];
  /** More types the kit encodes and decodes values with (custom and protobuf types). */
  readonly types?: readonly Type<unknown>[];
  /** Where the virtual time starts (epoch ms or a date). Default 2026-01-01T00:00:00Z. */
  readonly startTime?: number | Date;
  /**
   * Where state lives: `memory` (default; it survives `kit.crash()` as a disk would), or
   * `rocksdb` (a RocksDB database in a temporary folder, deleted by `kit.close()`).
   */
  readonly stateBackend?: 'memory' | 'rocksdb';
}
