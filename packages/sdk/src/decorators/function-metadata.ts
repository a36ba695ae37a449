import type { Duration } from '../function/duration';
import type { Type } from '../types/type';
import { ownDecoratorMetadata } from './field-decorator';
import { FUNCTION_METADATA, VALUE_SPECS_METADATA } from './metadata-keys';

/** What `@StatefulFunction` records on a class. */
export interface FunctionMetadata {
  readonly typename: string;
}

/** Options of `@ValueSpec`. Give at most one of `expireAfterCall` and `expireAfterWrite`. */
export interface ValueSpecOptions<T> {
  /** Serializes the value; also names it on the wire. */
  readonly type: Type<T>;
  /** The state name on the wire; defaults to the field name. */
  readonly name?: string;
  /** Delete the value when this long passed since the instance was last invoked. */
  readonly expireAfterCall?: Duration;
  /** Delete the value when this long passed since it was last written. */
  readonly expireAfterWrite?: Duration;
}

/** What `@ValueSpec` records for one field. */
export interface ValueSpecMetadata extends ValueSpecOptions<unknown> {
  /** The decorated field. */
  readonly property: string;
}

/** The `@StatefulFunction` metadata of a class, or undefined when it is not decorated. */
export function getFunctionMetadata(target: object): FunctionMetadata | undefined {
  if (!Object.prototype.hasOwnProperty.call(target, FUNCTION_METADATA)) return undefined;
  return (target as Record<symbol, FunctionMetadata | undefined>)[FUNCTION_METADATA];
}

/** The `@ValueSpec` fields of a class, in declaration order. */
export function getValueSpecs(target: object): readonly ValueSpecMetadata[] {
  return ownValueSpecs(target) ?? ownValueSpecs(ownDecoratorMetadata(target)) ?? [];
}

// The specs on `holder` itself: a class (experimentalDecorators) or its Symbol.metadata object
// (standard decorators), whose prototype is the base class's, hence the own-property check.
function ownValueSpecs(holder: object | undefined): ValueSpecMetadata[] | undefined {
  if (holder === undefined || !Object.prototype.hasOwnProperty.call(holder, VALUE_SPECS_METADATA)) return undefined;
  return (holder as Record<symbol, ValueSpecMetadata[] | undefined>)[VALUE_SPECS_METADATA];
}

/** @internal */
export function defineFunctionMetadata(target: object, metadata: FunctionMetadata): void {
  Object.defineProperty(target, FUNCTION_METADATA, { value: metadata, enumerable: false, configurable: true });
}

/** @internal */
export function appendValueSpec(holder: object, spec: ValueSpecMetadata): void {
  const specs = [...(ownValueSpecs(holder) ?? []), spec];
  Object.defineProperty(holder, VALUE_SPECS_METADATA, { value: specs, enumerable: false, configurable: true });
}
