import type { Duration } from '../function/duration';
import type { Type } from '../types/type';
import { ownDecoratorMetadata } from './field-decorator';
import { COLLECTION_SPECS_METADATA } from './metadata-keys';

/** Options of `@MapSpec`. Give at most one of `expireAfterWrite` and `expireAfterAccess`. */
export interface MapSpecOptions<V> {
  /** Serializes each entry's value; keys are strings. */
  readonly value: Type<V>;
  /** The state name on the wire; defaults to the field name. */
  readonly name?: string;
  /** Drop an entry when this long passed since it was last written. */
  readonly expireAfterWrite?: Duration;
  /** Drop an entry when this long passed since it was last read (`get`, `entries`) or written. */
  readonly expireAfterAccess?: Duration;
}

/** Options of `@ListSpec`. Give at most one of `expireAfterCall` and `expireAfterWrite`. */
export interface ListSpecOptions<T> {
  /** Serializes each element. */
  readonly type: Type<T>;
  /** The state name on the wire; defaults to the field name. */
  readonly name?: string;
  /** The most elements the list may hold; an append past it throws `KF_LIST_TOO_LONG` and changes nothing. */
  readonly maxLength?: number;
  /** Delete the whole list when this long passed since the instance was last invoked. */
  readonly expireAfterCall?: Duration;
  /** Delete the whole list when this long passed since it was last changed. */
  readonly expireAfterWrite?: Duration;
}

/** What `@MapSpec` records for one field. */
export interface MapSpecMetadata extends MapSpecOptions<unknown> {
  readonly kind: 'map';
  /** The decorated field. */
  readonly property: string;
}

/** What `@ListSpec` records for one field. */
export interface ListSpecMetadata extends ListSpecOptions<unknown> {
  readonly kind: 'list';
  /** The decorated field. */
  readonly property: string;
}

/** What `@MapSpec` or `@ListSpec` records for one field. */
export type CollectionSpecMetadata = MapSpecMetadata | ListSpecMetadata;

/** The `@MapSpec` and `@ListSpec` fields of a class, in declaration order. */
export function getCollectionSpecs(target: object): readonly CollectionSpecMetadata[] {
  return ownCollectionSpecs(target) ?? ownCollectionSpecs(ownDecoratorMetadata(target)) ?? [];
}

// As ownValueSpecs: on the class (experimentalDecorators) or its Symbol.metadata object (standard).
function ownCollectionSpecs(holder: object | undefined): CollectionSpecMetadata[] | undefined {
  if (holder === undefined || !Object.prototype.hasOwnProperty.call(holder, COLLECTION_SPECS_METADATA)) return undefined;
  return (holder as Record<symbol, CollectionSpecMetadata[] | undefined>)[COLLECTION_SPECS_METADATA];
}

/** @internal */
export function appendCollectionSpec(holder: object, spec: CollectionSpecMetadata): void {
  const specs = [...(ownCollectionSpecs(holder) ?? []), spec];
  Object.defineProperty(holder, COLLECTION_SPECS_METADATA, { value: specs, enumerable: false, configurable: true });
}
