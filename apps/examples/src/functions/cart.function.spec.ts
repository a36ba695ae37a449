import { TestKit } from '@keyflow/testing';
import { Cart, HISTORY_LENGTH } from './cart.function';
import { CartCommandType, CartReceiptType, CartViewType, type CartCommand } from './cart-messages';

const cart = { typename: 'example/cart', id: 'cart-1' };
const add = (sku: string, quantity: number, priceCents: number): CartCommand => ({ op: 'add', sku, quantity, priceCents });

describe('example/cart', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await TestKit.start({ functions: [Cart], egresses: ['example/receipts'], types: [CartReceiptType] });
  });
  afterEach(() => kit.close());

  const send = (command: CartCommand): Promise<void> => kit.send(cart, command, CartCommandType);

  it('keeps lines by SKU in a map, its history in a list, and publishes a receipt at checkout', async () => {
    await send(add('tea', 2, 450));
    await send(add('cake', 1, 300));
    await send(add('tea', 1, 450));
    await send({ op: 'remove', sku: 'cake' });
    expect(await kit.state(cart)).toEqual({
      lines: { tea: { sku: 'tea', quantity: 3, priceCents: 450 } },
      history: ['add 2 × tea', 'add 1 × cake', 'add 1 × tea', 'remove cake'],
      version: 4,
    });
    await send({ op: 'checkout' });
    expect(kit.egress('example/receipts').values()).toEqual([{ cart: 'cart-1', lines: [{ sku: 'tea', quantity: 3, priceCents: 450 }], totalCents: 1350 }]);
    expect(await kit.state(cart)).toEqual({ lines: {}, history: ['add 2 × tea', 'add 1 × cake', 'add 1 × tea', 'remove cake', 'checkout'], version: 5 });
  });

  it('answers a command whose sender waits with the cart after it', async () => {
    expect(await kit.request(cart, add('tea', 2, 450), CartCommandType, CartViewType)).toEqual({
      cart: 'cart-1',
      lines: [{ sku: 'tea', quantity: 2, priceCents: 450 }],
      totalCents: 900,
      version: 1,
    });
    await send(add('cake', 1, 300)); // no one waits: no answer
    expect(await kit.request(cart, { op: 'checkout' }, CartCommandType, CartViewType)).toEqual({ cart: 'cart-1', lines: [], totalCents: 0, version: 3 });
  });

  it('forgets a line 30 days after it was last changed', async () => {
    await send(add('tea', 1, 450));
    await kit.advance('29d');
    await send(add('cake', 1, 300));
    await kit.advance('1d');
    expect((await kit.state(cart))['lines']).toEqual({ cake: { sku: 'cake', quantity: 1, priceCents: 300 } });
  });

  it(`keeps the last ${HISTORY_LENGTH} events of its history`, async () => {
    // Sent together, as a burst from an ingress: the runtime batches them.
    await Promise.all(Array.from({ length: HISTORY_LENGTH + 1 }, (_, index) => send(add(`sku-${index}`, 1, 100))));
    const history = (await kit.state(cart))['history'] as string[];
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history[0]).toBe('add 1 × sku-1');
    expect(history.at(-1)).toBe(`add 1 × sku-${HISTORY_LENGTH}`);
  });

  it('stops on a message it cannot handle and changes nothing', async () => {
    await send(add('tea', 1, 450));
    const before = await kit.state(cart);
    await expect(kit.send(cart, 'not a command')).rejects.toMatchObject({ code: 'KF_TESTKIT_FAILED' });
    expect(await kit.state(cart)).toEqual(before);
  });
});
