// The list and map state example of the README, verbatim, run once.
import { StatefulFunction, MapSpec, ListSpec, ValueSpec, Types, jsonType,
         type Context, type ListState, type MapState, type Message } from '@keyflow/sdk';
import { LIST_STATE_TYPENAME, MAP_STATE_TYPENAME, decodeListStateValue, decodeMapStateValue } from '@keyflow/sdk/protocol';
import { effectsOf } from './test-support/run-function';
import { wrapped } from './test-support/typed-values';
import { address } from './test-support/wire-messages';

interface CartLine { sku: string; quantity: number }
const CartLineType = jsonType<CartLine>('example/CartLine');

@StatefulFunction('example/cart')
export class Cart {
  @MapSpec({ value: CartLineType, expireAfterWrite: '30d' }) lines?: MapState<CartLine>; // string keys
  @ListSpec({ type: Types.string, maxLength: 1000 }) history?: ListState<string>;
  @ValueSpec({ type: Types.int }) version?: number;

  async apply(ctx: Context<Cart>, msg: Message): Promise<void> {
    const sku = msg.asString();
    const line = await ctx.storage.lines.get(sku);
    ctx.storage.lines.set(sku, { sku, quantity: (line?.quantity ?? 0) + 1 });
    ctx.storage.history.append(`added ${sku}`);
    ctx.storage.version = (ctx.storage.version ?? 0) + 1;
  }
}

test('the cart of the README keeps its lines in a map and its history in a list', async () => {
  const effects = await effectsOf([Cart], {
    target: address('example/cart', 'c1'),
    state: { lines: undefined, history: undefined, version: undefined },
    invocations: [{ argument: wrapped.string('sku-1') }, { argument: wrapped.string('sku-1') }],
  });
  const [version, lines, history] = effects.stateMutations;
  expect(version?.stateValue).toEqual(wrapped.int(2));
  expect(lines?.stateValue?.typename).toBe(MAP_STATE_TYPENAME);
  const map = decodeMapStateValue(lines?.stateValue?.value ?? new Uint8Array(0));
  expect([...map.entries.keys()]).toEqual(['sku-1']);
  expect(CartLineType.deserialize(map.entries.get('sku-1')?.value ?? new Uint8Array(0))).toEqual({ sku: 'sku-1', quantity: 2 });
  expect(history?.stateValue?.typename).toBe(LIST_STATE_TYPENAME);
  const list = decodeListStateValue(history?.stateValue?.value ?? new Uint8Array(0));
  expect(list.elements.map((bytes) => Types.string.deserialize(bytes))).toEqual(['added sku-1', 'added sku-1']);
});
