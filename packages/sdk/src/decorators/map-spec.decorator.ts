import type { MapState } from '../state/map-state';
import { appendCollectionSpec, type MapSpecOptions } from './collection-metadata';
import { fieldDecorator, type FieldDecorator } from './field-decorator';

/**
 * Declares a field of a `@StatefulFunction` class as a map state of each instance: string keys,
 * values of `value`'s type, each entry with its own expiry when one is set. The field's type
 * must be `MapState` of the value type; `ctx.storage.<field>` is the map.
 *
 * @example
 * @MapSpec({ value: CartLineType, expireAfterWrite: '30d' }) lines?: MapState<CartLine>;
 * @MapSpec({ value: Types.int, name: 'scores_v2', expireAfterAccess: '1h' }) scores?: MapState<number>;
 */
export function MapSpec<V>(options: MapSpecOptions<V>): FieldDecorator<MapState<V>> {
  return fieldDecorator('@MapSpec', (holder, property) => {
    appendCollectionSpec(holder, { ...(options as MapSpecOptions<unknown>), kind: 'map', property });
  });
}
