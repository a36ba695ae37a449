// @generated — do not edit. Regenerate with: npx nx run examples:codegen
// Typed state and messages of the functions of project examples. Write
// `apply(ctx: GreeterContext, msg: Message)` to have the compiler check every state access.

import { type Context, type MessageSpec, Types, type ValueOf } from '@keyflow/sdk';
import type { Greeter } from '../functions/greeter.function';
import type { Inbox } from '../functions/inbox.function';
import { GreetingType } from '../functions/messages';

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

/** The storage type of each function of the project, by typename. */
export interface StorageByTypename {
  'example/greeter': GreeterStorage;
  'example/inbox': InboxStorage;
}
