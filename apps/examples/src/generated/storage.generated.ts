// @generated — do not edit. Regenerate with: npx nx run examples:codegen
// Typed state and messages of the functions of project examples. Write
// `apply(ctx: CartContext, msg: Message)` to have the compiler check every state access.

import { type Context, type MessageSpec, Types, type ValueOf } from '@keyflow/sdk';
import { CartCommandType } from '../functions/cart-messages';
import type { Cart } from '../functions/cart.function';
import type { Counter, StreamCounter } from '../functions/counter.function';
import type { Greeter } from '../functions/greeter.function';
import { HeartbeatCommandType } from '../functions/heartbeat-messages';
import type { Heartbeat } from '../functions/heartbeat.function';
import type { Inbox } from '../functions/inbox.function';
import { GreetingType, ReminderDueType, ReminderRequestType } from '../functions/messages';
import type { Reminder } from '../functions/reminder.function';

/** The state of `example/cart` (class {@link Cart}): the exact type of `ctx.storage`. */
export interface CartStorage {
  /** Map state `lines` (values `CartLineType`, example/CartLine), entries expire 30d after the last write. */
  readonly lines: NonNullable<Cart['lines']>;
  /** List state `history` (elements `Types.string`, io.statefun.types/string), at most 1000 elements. */
  readonly history: NonNullable<Cart['history']>;
  /** State `version` (`Types.int`, io.statefun.types/int). */
  version?: Cart['version'];
}

/**
 * What `example/cart` sees while it handles a message, with `ctx.storage` typed as {@link CartStorage}.
 */
export type CartContext = Context<CartStorage>;

/** Typed messages to `example/cart`: one builder per message type it reads in `apply`. */
export const CartMessages = {
  /** A `example/CartCommand` message to the instance `id` of `example/cart`. */
  cartCommand: (id: string, value: ValueOf<typeof CartCommandType>): MessageSpec<ValueOf<typeof CartCommandType>> => ({
    target: { typename: 'example/cart', id },
    value,
    type: CartCommandType,
  }),
} as const;

/** The state of `example/counter` (class {@link Counter}): the exact type of `ctx.storage`. */
export interface CounterStorage {
  /** State `count` (`Types.long`, io.statefun.types/long). */
  count?: Counter['count'];
}

/**
 * What `example/counter` sees while it handles a message, with `ctx.storage` typed as {@link CounterStorage}.
 */
export type CounterContext = Context<CounterStorage>;

/** The state of `example/greeter` (class {@link Greeter}): the exact type of `ctx.storage`. */
export interface GreeterStorage {
  /** State `seen` (`Types.int`, io.statefun.types/int), expires 30m after the last call. */
  seen?: Greeter['seen'];
}

/**
 * What `example/greeter` sees while it handles a message, with `ctx.storage` typed as {@link GreeterStorage}.
 */
export type GreeterContext = Context<GreeterStorage>;

/** Typed messages to `example/greeter`: one builder per message type it reads in `apply`. */
export const GreeterMessages = {
  /** A `io.statefun.types/string` message to the instance `id` of `example/greeter`. */
  string: (id: string, value: ValueOf<typeof Types.string>): MessageSpec<ValueOf<typeof Types.string>> => ({
    target: { typename: 'example/greeter', id },
    value,
    type: Types.string,
  }),
} as const;

/** The state of `example/heartbeat` (class {@link Heartbeat}): the exact type of `ctx.storage`. */
export interface HeartbeatStorage {
  /** State `beats` (`Types.int`, io.statefun.types/int). */
  beats?: Heartbeat['beats'];
}

/**
 * What `example/heartbeat` sees while it handles a message, with `ctx.storage` typed as {@link HeartbeatStorage}.
 */
export type HeartbeatContext = Context<HeartbeatStorage>;

/** Typed messages to `example/heartbeat`: one builder per message type it reads in `apply`. */
export const HeartbeatMessages = {
  /** A `example/HeartbeatCommand` message to the instance `id` of `example/heartbeat`. */
  heartbeatCommand: (id: string, value: ValueOf<typeof HeartbeatCommandType>): MessageSpec<ValueOf<typeof HeartbeatCommandType>> => ({
    target: { typename: 'example/heartbeat', id },
    value,
    type: HeartbeatCommandType,
  }),
} as const;

/** The state of `example/inbox` (class {@link Inbox}): the exact type of `ctx.storage`. */
export interface InboxStorage {
  /** State `received` (`Types.int`, io.statefun.types/int). */
  received?: Inbox['received'];
}

/**
 * What `example/inbox` sees while it handles a message, with `ctx.storage` typed as {@link InboxStorage}.
 */
export type InboxContext = Context<InboxStorage>;

/** Typed messages to `example/inbox`: one builder per message type it reads in `apply`. */
export const InboxMessages = {
  /** A `example/Greeting` message to the instance `id` of `example/inbox`. */
  greeting: (id: string, value: ValueOf<typeof GreetingType>): MessageSpec<ValueOf<typeof GreetingType>> => ({
    target: { typename: 'example/inbox', id },
    value,
    type: GreetingType,
  }),
} as const;

/** The state of `example/reminder` (class {@link Reminder}): the exact type of `ctx.storage`. */
export interface ReminderStorage {
  /** State `set` (`Types.int`, io.statefun.types/int). */
  set?: Reminder['set'];
}

/**
 * What `example/reminder` sees while it handles a message, with `ctx.storage` typed as {@link ReminderStorage}.
 */
export type ReminderContext = Context<ReminderStorage>;

/** Typed messages to `example/reminder`: one builder per message type it reads in `apply`. */
export const ReminderMessages = {
  /** A `example/ReminderDue` message to the instance `id` of `example/reminder`. */
  reminderDue: (id: string, value: ValueOf<typeof ReminderDueType>): MessageSpec<ValueOf<typeof ReminderDueType>> => ({
    target: { typename: 'example/reminder', id },
    value,
    type: ReminderDueType,
  }),
  /** A `example/ReminderRequest` message to the instance `id` of `example/reminder`. */
  reminderRequest: (id: string, value: ValueOf<typeof ReminderRequestType>): MessageSpec<ValueOf<typeof ReminderRequestType>> => ({
    target: { typename: 'example/reminder', id },
    value,
    type: ReminderRequestType,
  }),
} as const;

/** The state of `example/stream-counter` (class {@link StreamCounter}): the exact type of `ctx.storage`. */
export interface StreamCounterStorage {
  /** State `count` (`Types.long`, io.statefun.types/long). */
  count?: StreamCounter['count'];
}

/**
 * What `example/stream-counter` sees while it handles a message, with `ctx.storage` typed as {@link StreamCounterStorage}.
 */
export type StreamCounterContext = Context<StreamCounterStorage>;

/** The storage type of each function of the project, by typename. */
export interface StorageByTypename {
  'example/cart': CartStorage;
  'example/counter': CounterStorage;
  'example/greeter': GreeterStorage;
  'example/heartbeat': HeartbeatStorage;
  'example/inbox': InboxStorage;
  'example/reminder': ReminderStorage;
  'example/stream-counter': StreamCounterStorage;
}
