import type { Address } from './address';
import type { Duration } from './duration';
import type { EgressMessage } from './egress-message';
import type { ListState } from '../state/list-state';
import type { MapState } from '../state/map-state';
import type { ScheduleSpec } from '../schedule/schedule-rule';
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
 * A request to another function (`ctx.request`): a message, and where the answer goes
 * (`replyTo`, this instance when left out).
 */
export type RequestSpec<T> = MessageSpec<T> & { readonly replyTo?: Address };

/** A string request: the type may be left out and defaults to `Types.string`. */
export type StringRequestSpec = StringMessageSpec & { readonly replyTo?: Address };

/** The message a schedule delivers to its instance: a value and its type (strings need none). */
export type ScheduledMessage<T> =
  | { readonly value: T; readonly type: Type<T> }
  | { readonly value: string; readonly type?: Type<string> };

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
  /**
   * Answers the message being handled: sends `value` to its caller, or to the `replyTo` of a
   * request. The answer to a request (`ctx.request`) carries the request's correlation id.
   * Throws `KF_NO_CALLER` when there is no one to answer (the message came from an ingress).
   *
   * @example
   * ctx.reply({ balance: ctx.storage.balance ?? 0 }, Balance);
   */
  reply<T>(value: T, type: Type<T>): void;
  reply(value: string, type?: Type<string>): void;
  /**
   * Sends a request and returns its correlation id. Nothing waits: the answer arrives later as
   * a message whose `msg.correlationId` is that id, while this instance goes on handling others.
   *
   * @example
   * ctx.storage.pending = ctx.request({ target: { typename: 'bank/account', id }, value: 'balance' });
   * // later: if (msg.correlationId === ctx.storage.pending) …
   */
  request<T>(request: RequestSpec<T>): string;
  request(request: StringRequestSpec): string;
  /**
   * Delivers `message` to this instance on a schedule, `{ every: '5m' }` or
   * `{ cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' }`, until `unschedule(name)`. A
   * schedule of the same name replaces the previous one. Each delivery has `msg.tick`.
   *
   * @example
   * ctx.schedule('digest', { cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' }, { value: 'send-digest' });
   */
  schedule<T>(name: string, when: ScheduleSpec, message: ScheduledMessage<T>): void;
  /** Removes the schedule `name` of this instance; true when there was one. */
  unschedule(name: string): boolean;
}
