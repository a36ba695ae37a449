// @generated — do not edit. Regenerate with: npx nx run examples:codegen
// The function registry of project examples: every @StatefulFunction class, sorted
// by typename. The runtime imports this module (see deploy/module.yaml) instead of scanning files.

import type { FunctionClass } from '@keyflow/sdk';
import { Cart } from '../functions/cart.function';
import { Greeter } from '../functions/greeter.function';
import { Inbox } from '../functions/inbox.function';

export { Cart, Greeter, Inbox };

/** Every function of project examples, sorted by typename. */
export const functions: readonly FunctionClass[] = [Cart, Greeter, Inbox];

/** The typename of each class in {@link functions}, in the same order. */
export const typenames = ['example/cart', 'example/greeter', 'example/inbox'] as const;
