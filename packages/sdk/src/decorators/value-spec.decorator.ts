import { appendValueSpec, type ValueSpecOptions } from './function-metadata';

/**
 * Declares a field of a `@StatefulFunction` class as durable state of each instance. The
 * field's type must match the value type: `@ValueSpec({ type: Types.int }) seen?: number`.
 *
 * @example
 * @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;
 * @ValueSpec({ type: CartType, name: 'cart_v2' }) cart?: Cart;
 */
export function ValueSpec<T>(
  options: ValueSpecOptions<T>,
): <K extends string>(target: { [P in K]?: T }, propertyKey: K) => void {
  return (target, propertyKey) => {
    appendValueSpec(target.constructor, { ...(options as ValueSpecOptions<unknown>), property: propertyKey });
  };
}
