import type { Address } from './address';
import type { Duration } from './duration';
import type { EgressMessage } from './egress-message';
import type { ListState } from '../state/list-state';
import type { MapState } from '../state/map-state';
import type { Type } from '../types/type';

/**
 * A message to another function: where it goes, the value, and the type that serializes it.
 *
 * @example
 * ctx.send({ target: { typename: 'example/inbox', id: 'alice' }, value: { text: 'hi' }, type: Greeting });
 */
export interface MessageSpec<T> {
  readonly target: Address;
  readonly value: T;
  readonly type: Type<T>;
}

/** A string message: the type may be left out and defaults to `Types.string`. */
export interface StringMessageSpec {
  readonly target: Address;
  readonly value: string;
  readonly type?: Type<string>;
}

/**
 * The state of a function class `F`: each of its non-method fields. Value fields are optional:
 * assigning a value persists it when the batch completes, assigning `undefined` deletes it. List
 * and map fields (`MapState`, `ListState`) are always there and read-only: change them through
 * their methods.
 */
export type StorageOf<F> = {
  // `| undefined`: assigning undefined deletes, also under exactOptionalPropertyTypes.
  -readonly [K in keyof F as F[K] extends (...args: never[]) => unknown ? never : IsCollection<F[K]> extends true ? never : K]?: F[K] | undefined;
} & {
  readonly [K in keyof F as IsCollection<F[K]> extends true ? K : never]-?: NonNullable<F[K]>;
};

/** True for a `MapState` or `ListState` field (optional or not). */
type IsCollection<T> = [NonNullable<T>] extends [never]
  ? false
  : NonNullable<T> extends MapState<infer _V>
    ? true
    : NonNullable<T> extends ListState<infer _E>
      ? true
      : false;

/**
 * What a function sees while it handles a message.
 *
 * @example
 * async apply(ctx: Context<Greeter>, msg: Message) {
 *   ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;
 *   ctx.send({ target: ctx.self, value: 'again', type: Types.string });
 * }
 */
export interface Context<F = Record<string, unknown>> {
  /** The address of this instance. */
  readonly self: Address;
  /** The instance that sent the current message; undefined for messages from an ingress. */
  readonly caller: Address | undefined;
  /** This instance's state, typed from the class's `@ValueSpec` fields. */
  readonly storage: StorageOf<F>;
  /** Sends a message to a function, or a record to an egress. */
  send<T>(message: MessageSpec<T>): void;
  send(message: StringMessageSpec): void;
  send(message: EgressMessage): void;
  /**
   * Sends a message after `delay` (milliseconds or `'30s'`, `'5m'`, …). With a
   * `cancellationToken`, the message can be cancelled before it is delivered.
   */
  sendAfter<T>(delay: Duration, message: MessageSpec<T>, cancellationToken?: string): void;
  sendAfter(delay: Duration, message: StringMessageSpec, cancellationToken?: string): void;
  /** Cancels a delayed message sent with this token, if it was not delivered yet. */
  cancelDelayedMessage(cancellationToken: string): void;
}
