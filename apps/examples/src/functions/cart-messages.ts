import { jsonType } from '@keyflow/sdk';

/** One line of a cart: a product and how many of it, at what unit price. */
export interface CartLine {
  readonly sku: string;
  readonly quantity: number;
  readonly priceCents: number;
}

/** What a cart is asked to do. */
export type CartCommand =
  | { readonly op: 'add'; readonly sku: string; readonly quantity: number; readonly priceCents: number }
  | { readonly op: 'remove'; readonly sku: string }
  | { readonly op: 'checkout' };

/** What a checkout publishes: the cart's lines and their total. */
export interface CartReceipt {
  readonly cart: string;
  readonly lines: readonly CartLine[];
  readonly totalCents: number;
}

/** What a cart answers a command whose sender waits for the answer: the cart after it. */
export interface CartView {
  readonly cart: string;
  readonly lines: readonly CartLine[];
  readonly totalCents: number;
  /** How many commands the cart has taken. */
  readonly version: number;
}

/** The wire type of {@link CartLine}: the values of the cart's map state. */
export const CartLineType = jsonType<CartLine>('example/CartLine');
/** The wire type of {@link CartCommand}. */
export const CartCommandType = jsonType<CartCommand>('example/CartCommand');
/** The wire type of {@link CartReceipt}. */
export const CartReceiptType = jsonType<CartReceipt>('example/CartReceipt');
/** The wire type of {@link CartView}. */
export const CartViewType = jsonType<CartView>('example/CartView');
