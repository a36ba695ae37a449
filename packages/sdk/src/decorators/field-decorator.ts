import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { SYMBOL_METADATA } from './metadata-keys';

/**
 * A decorator for a field whose type must be `T` (or undefined). It works with both of
 * TypeScript's decorator kinds: the standard ones (TypeScript 5's default) and
 * `"experimentalDecorators": true`.
 */
export interface FieldDecorator<T> {
  /** `experimentalDecorators`: called with the class prototype and the field's name. */
  <K extends string>(target: { [P in K]?: T }, propertyKey: K): void;
  /** Standard decorators: called with `undefined` and the field's context. */
  <This, V extends T | undefined>(value: undefined, context: ClassFieldDecoratorContext<This, V>): void;
}

/**
 * Builds a {@link FieldDecorator} that calls `record(holder, property)`, where `holder` is the
 * object the class's metadata lives on: the class itself under `experimentalDecorators`, the
 * class's decorator metadata object (`Class[Symbol.metadata]`) under standard decorators.
 */
export function fieldDecorator<T>(decorator: string, record: (holder: object, property: string) => void): FieldDecorator<T> {
  return (target: object | undefined, key: string | ClassFieldDecoratorContext): void => {
    if (typeof key === 'string') {
      record((target as { constructor: object }).constructor, key);
      return;
    }
    const context = key;
    if (context.kind !== 'field' || context.static || context.private || typeof context.name !== 'string') {
      throw new KeyflowError(
        SdkErrorCodes.DECORATOR_UNSUPPORTED,
        `${decorator} on ${describeMember(context)}: it declares state on a public instance field, such as '${decorator}({ … }) seen?: number'.`,
      );
    }
    const metadata = (context as { metadata?: object }).metadata;
    if (metadata === undefined) {
      throw new KeyflowError(
        SdkErrorCodes.DECORATOR_UNSUPPORTED,
        `${decorator} on field '${context.name}' got no decorator metadata (Symbol.metadata), which standard decorators need ` +
          'from TypeScript 5.2 on; upgrade TypeScript, or set "experimentalDecorators": true in tsconfig.json.',
      );
    }
    record(metadata, context.name);
  };
}

/** The object a class's standard-decorator metadata lives on, when the class itself has one. */
export function ownDecoratorMetadata(target: object): object | undefined {
  if (!Object.prototype.hasOwnProperty.call(target, SYMBOL_METADATA)) return undefined;
  const metadata = (target as Record<symbol, unknown>)[SYMBOL_METADATA];
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
}

function describeMember(context: { readonly kind: string; readonly name: string | symbol; readonly static?: boolean; readonly private?: boolean }): string {
  const name = typeof context.name === 'string' ? context.name : context.name.toString();
  return `${context.static === true ? 'static ' : ''}${context.private === true ? 'private ' : ''}${context.kind} '${name}'`;
}
