/** The codes whose errors are retryable unless the throw site says otherwise. */
const retryableCodes = new Set<string>();

/** Options of {@link defineErrorCodes}. */
export interface ErrorCodeTableOptions<Table> {
  /**
   * The names of the codes for which trying the same operation again may succeed (a timeout,
   * a peer that is down, a full disk). Every other code of the table needs a change first.
   */
  readonly retryable: readonly (keyof Table)[];
}

/**
 * Declares a package's table of error codes and which of them are retryable: a
 * `KeyflowError` with one of those codes has `retryable: true` unless its throw site
 * passes `retryable` itself (when the same code covers both, e.g. an endpoint's 4xx and 5xx).
 *
 * @example
 * export const ShopErrorCodes = defineErrorCodes(
 *   { OUT_OF_STOCK: 'KF_SHOP_OUT_OF_STOCK', WAREHOUSE_DOWN: 'KF_SHOP_WAREHOUSE_DOWN' } as const,
 *   { retryable: ['WAREHOUSE_DOWN'] },
 * );
 */
export function defineErrorCodes<const Table extends Readonly<Record<string, `KF_${string}`>>>(table: Table, options: ErrorCodeTableOptions<Table>): Table {
  for (const name of options.retryable) retryableCodes.add(table[name] as string);
  return table;
}

/** True when the table that defines `code` says retrying may help. */
export function isRetryableCode(code: string): boolean {
  return retryableCodes.has(code);
}
