import type { PbValueSpec } from '../protocol/wire-types';
import type { Type } from '../types/type';

/** What every declared state of a function has, resolved and validated. */
interface StateDefinitionBase {
  /** The name on the wire. */
  readonly name: string;
  /** The class field that holds it in `ctx.storage`. */
  readonly property: string;
  /** The spec sent in `IncompleteInvocationContext` when the runtime lacks this state. */
  readonly wireSpec: PbValueSpec;
}

/** A `@ValueSpec` state. */
export interface ValueStateDefinition extends StateDefinitionBase {
  readonly kind: 'value';
  readonly type: Type<unknown>;
}

/** How long a map entry lives: since it was written, or since it was last read or written. */
export interface EntryExpiry {
  readonly mode: 'after-write' | 'after-access';
  readonly millis: number;
}

/** A `@MapSpec` state. */
export interface MapStateDefinition extends StateDefinitionBase {
  readonly kind: 'map';
  /** The type of every entry's value. */
  readonly type: Type<unknown>;
  readonly entryExpiry: EntryExpiry | undefined;
}

/** A `@ListSpec` state (its expiry, per list, is in `wireSpec` as for values). */
export interface ListStateDefinition extends StateDefinitionBase {
  readonly kind: 'list';
  /** The type of every element. */
  readonly type: Type<unknown>;
  readonly maxLength: number | undefined;
}

/** One declared state of a function. */
export type StateDefinition = ValueStateDefinition | MapStateDefinition | ListStateDefinition;
