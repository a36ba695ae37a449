import type { ListState } from '../state/list-state';
import { appendCollectionSpec, type ListSpecOptions } from './collection-metadata';
import { fieldDecorator, type FieldDecorator } from './field-decorator';

/**
 * Declares a field of a `@StatefulFunction` class as a list state of each instance: elements of
 * `type`'s type in order, at most `maxLength` of them, expiring as a whole like a value. The
 * field's type must be `ListState` of the element type; `ctx.storage.<field>` is the list.
 *
 * @example
 * @ListSpec({ type: Types.string, maxLength: 1000 }) history?: ListState<string>;
 */
export function ListSpec<T>(options: ListSpecOptions<T>): FieldDecorator<ListState<T>> {
  return fieldDecorator('@ListSpec', (holder, property) => {
    appendCollectionSpec(holder, { ...(options as ListSpecOptions<unknown>), kind: 'list', property });
  });
}
