import {
  ListSpec,
  MapSpec,
  StatefulFunction,
  Types,
  ValueSpec,
  egressMessage,
  type Context,
  type ListState,
  type MapState,
  type Message,
} from '@keyflow/sdk';
import { CartCommandType, CartLineType, CartReceiptType, CartViewType, type CartCommand, type CartLine } from './cart-messages';

/** How many events a cart's history keeps; older ones are dropped. */
export const HISTORY_LENGTH = 1000;

/**
 * A shopping cart: its lines in a map state keyed by SKU (each line forgotten 30 days after it
 * was last changed), what happened to it in a list state of at most {@link HISTORY_LENGTH} events,
 * and a version that counts the changes. A checkout publishes a receipt to the `example/receipts`
 * egress and empties the cart. A command whose sender waits for the answer (an HTTP request with
 * `Prefer: wait`) is answered with the cart as it is after it. One instance per cart id.
 */
@StatefulFunction('example/cart')
export class Cart {
  @MapSpec({ value: CartLineType, expireAfterWrite: '30d' }) lines?: MapState<CartLine>;
  @ListSpec({ type: Types.string, maxLength: HISTORY_LENGTH }) history?: ListState<string>;
  @ValueSpec({ type: Types.int }) version?: number;

  async apply(ctx: Context<Cart>, msg: Message): Promise<void> {
    const command = msg.as(CartCommandType);
    const { lines } = ctx.storage;
    switch (command.op) {
      case 'add': {
        const line = await lines.get(command.sku);
        lines.set(command.sku, { sku: command.sku, quantity: (line?.quantity ?? 0) + command.quantity, priceCents: command.priceCents });
        break;
      }
      case 'remove':
        lines.delete(command.sku);
        break;
      case 'checkout': {
        const all = await linesOf(lines);
        ctx.send(egressMessage({ egress: 'example/receipts', value: { cart: ctx.self.id, lines: all, totalCents: totalOf(all) }, type: CartReceiptType }));
        lines.clear();
        break;
      }
    }
    await this.#record(ctx.storage.history, describe(command));
    const version = (ctx.storage.version ?? 0) + 1;
    ctx.storage.version = version;
    if (ctx.caller !== undefined) {
      const all = await linesOf(lines);
      ctx.reply({ cart: ctx.self.id, lines: all, totalCents: totalOf(all), version }, CartViewType);
    }
  }

  /** Appends an event, dropping the oldest when the history is full (an append past maxLength would throw). */
  async #record(history: ListState<string>, event: string): Promise<void> {
    if (history.length >= HISTORY_LENGTH) history.replaceAll((await history.toArray()).slice(history.length - HISTORY_LENGTH + 1));
    history.append(event);
  }
}

async function linesOf(lines: MapState<CartLine>): Promise<CartLine[]> {
  return (await lines.entries()).map(([, line]) => line);
}

function totalOf(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.priceCents, 0);
}

function describe(command: CartCommand): string {
  switch (command.op) {
    case 'add':
      return `add ${command.quantity} × ${command.sku}`;
    case 'remove':
      return `remove ${command.sku}`;
    case 'checkout':
      return 'checkout';
  }
}
