import { KeyflowError, Types, createRequestHandler } from '@keyflow/sdk';
import {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  PbMutationType,
  decodeFromFunction,
  decodeListStateValue,
  decodeMapStateValue,
  encodeListStateValue,
  encodeToFunction,
  type PbInvocationResponse,
  type PbTypedValue,
} from '@keyflow/sdk/protocol';
import { Cart, HISTORY_LENGTH } from './cart.function';
import { CartCommandType, CartLineType, CartReceiptType, type CartCommand } from './cart-messages';

const DAY = 86_400_000;
const handle = createRequestHandler([Cart]);

/** Plays the runtime for one cart: sends its state with each batch and keeps what comes back. */
class CartInstance {
  readonly state = new Map<string, PbTypedValue>();

  async run(...commands: (CartCommand | PbTypedValue)[]): Promise<PbInvocationResponse> {
    const reply = decodeFromFunction(
      await handle(
        encodeToFunction({
          target: { namespace: 'example', type: 'cart', id: 'cart-1' },
          state: ['lines', 'history', 'version'].map((stateName) => ({ stateName, stateValue: this.state.get(stateName) })),
          invocations: commands.map((command) => ({
            caller: undefined,
            argument: 'op' in command ? { typename: CartCommandType.typename, hasValue: true, value: CartCommandType.serialize(command) } : command,
          })),
        }),
      ),
    );
    if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
    for (const mutation of reply.result.stateMutations) {
      if (mutation.mutationType === PbMutationType.DELETE || !mutation.stateValue) this.state.delete(mutation.stateName);
      else this.state.set(mutation.stateName, mutation.stateValue);
    }
    return reply.result;
  }

  lines(): Record<string, number> {
    const stored = this.state.get('lines');
    if (!stored) return {};
    expect(stored.typename).toBe(MAP_STATE_TYPENAME);
    const map = decodeMapStateValue(stored.value);
    return Object.fromEntries([...map.entries].map(([sku, entry]) => [sku, CartLineType.deserialize(entry.value).quantity]));
  }

  history(): string[] {
    const stored = this.state.get('history');
    if (!stored) return [];
    expect(stored.typename).toBe(LIST_STATE_TYPENAME);
    return decodeListStateValue(stored.value).elements.map((bytes) => Types.string.deserialize(bytes));
  }

  version(): number | undefined {
    const stored = this.state.get('version');
    return stored ? Types.int.deserialize(stored.value) : undefined;
  }
}

const add = (sku: string, quantity: number, priceCents: number): CartCommand => ({ op: 'add', sku, quantity, priceCents });

describe('example/cart', () => {
  it('keeps lines by SKU in a map, its history in a list, and publishes a receipt at checkout', async () => {
    const cart = new CartInstance();
    await cart.run(add('tea', 2, 450), add('cake', 1, 300));
    await cart.run(add('tea', 1, 450), { op: 'remove', sku: 'cake' });
    expect(cart.lines()).toEqual({ tea: 3 });
    const before = Date.now();
    const tea = decodeMapStateValue(cart.state.get('lines')?.value ?? new Uint8Array(0)).entries.get('tea');
    expect(tea?.expiresAtMillis).toBeGreaterThan(before + 29 * DAY); // 30 days after its last write

    const checkout = await cart.run({ op: 'checkout' });
    expect(checkout.outgoingEgresses.map((egress) => [egress.egressType, CartReceiptType.deserialize(egress.argument?.value ?? new Uint8Array(0))])).toEqual([
      ['receipts', { cart: 'cart-1', lines: [{ sku: 'tea', quantity: 3, priceCents: 450 }], totalCents: 1350 }],
    ]);
    expect(cart.lines()).toEqual({});
    expect(cart.history()).toEqual(['add 2 × tea', 'add 1 × cake', 'add 1 × tea', 'remove cake', 'checkout']);
    expect(cart.version()).toBe(5);
  });

  it(`keeps the last ${HISTORY_LENGTH} events of its history`, async () => {
    const cart = new CartInstance();
    const full = Array.from({ length: HISTORY_LENGTH }, (_, index) => `event ${index}`);
    cart.state.set('history', { typename: LIST_STATE_TYPENAME, hasValue: true, value: encodeListStateValue(Types.string.typename, full.map((e) => Types.string.serialize(e))) });
    await cart.run(add('tea', 1, 450));
    const history = cart.history();
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history[0]).toBe('event 1');
    expect(history.at(-1)).toBe('add 1 × tea');
  });

  it('changes nothing when a message of the batch cannot be handled', async () => {
    const cart = new CartInstance();
    await cart.run(add('tea', 1, 450));
    const state = new Map(cart.state);
    const notACommand = { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('tea') };
    const failed = await cart.run(add('cake', 1, 300), notACommand).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(KeyflowError);
    expect((failed as KeyflowError).code).toBe('KF_FUNCTION_FAILED');
    expect(cart.state).toEqual(state);
    expect(cart.lines()).toEqual({ tea: 1 });
  });

  it('asks a runtime that does not have them for its map, list and value', async () => {
    const reply = decodeFromFunction(
      await handle(encodeToFunction({ target: { namespace: 'example', type: 'cart', id: 'x' }, state: [], invocations: [] })),
    );
    expect(reply).toEqual({
      kind: 'incompleteInvocationContext',
      missingValues: [
        { stateName: 'version', typeTypename: Types.int.typename, expirationSpec: undefined },
        { stateName: 'lines', typeTypename: MAP_STATE_TYPENAME, expirationSpec: { mode: 1, expireAfterMillis: 30 * DAY } },
        { stateName: 'history', typeTypename: LIST_STATE_TYPENAME, expirationSpec: undefined },
      ],
    });
  });
});
