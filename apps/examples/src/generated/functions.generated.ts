// @generated — do not edit. Regenerate with: npx nx run examples:codegen
// The function registry of project examples: every @StatefulFunction class, sorted
// by typename. The runtime imports this module (see deploy/module.yaml) instead of scanning files.

import type { FunctionClass } from '@keyflow/sdk';
import { Cart } from '../functions/cart.function';
import { Counter, StreamCounter } from '../functions/counter.function';
import { Greeter } from '../functions/greeter.function';
import { Heartbeat } from '../functions/heartbeat.function';
import { Inbox } from '../functions/inbox.function';
import { Reminder } from '../functions/reminder.function';

export { Cart, Counter, Greeter, Heartbeat, Inbox, Reminder, StreamCounter };

/** Every function of project examples, sorted by typename. */
export const functions: readonly FunctionClass[] = [Cart, Counter, Greeter, Heartbeat, Inbox, Reminder, StreamCounter];

/** The typename of each class in {@link functions}, in the same order. */
export const typenames = ['example/cart', 'example/counter', 'example/greeter', 'example/heartbeat', 'example/inbox', 'example/reminder', 'example/stream-counter'] as const;
