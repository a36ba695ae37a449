import { fieldDecorator, type FieldDecorator } from './field-decorator';
import { appendValueSpec, type ValueSpecOptions } from './function-metadata';

/**
 * Declares a field of a `@StatefulFunction` class as durable state of each instance. The
 * field's type must match the value type: `@ValueSpec({ type: Types.int }) seen?: number`.
 * Works with standard decorators and with `"experimentalDecorators": true`.
 *
 * @example
 * @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;
 * @ValueSpec({ type: CartType, name: 'cart_v2' }) cart?: Cart;
 */
export function ValueSpec<T>(options: ValueSpecOptions<T>): FieldDecorator<T> {
  return fieldDecorator('@ValueSpec', (holder, property) => {
    appendValueSpec(holder, { ...(options as ValueSpecOptions<unknown>), property });
  });
}
