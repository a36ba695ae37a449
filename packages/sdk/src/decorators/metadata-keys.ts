// Every metadata key the decorators write, in one place. Symbol.for keys, so that two copies
// of the sdk in one process still read each other's metadata.

/** Holds the {@link FunctionMetadata} of a class decorated with `@StatefulFunction`. */
export const FUNCTION_METADATA = Symbol.for('keyflow.sdk/function');
/** Holds the list of {@link ValueSpecMetadata} of a class's `@ValueSpec` fields. */
export const VALUE_SPECS_METADATA = Symbol.for('keyflow.sdk/value-specs');
/** Holds the list of {@link CollectionSpecMetadata} of a class's `@MapSpec` and `@ListSpec` fields. */
export const COLLECTION_SPECS_METADATA = Symbol.for('keyflow.sdk/collection-specs');

/**
 * `Symbol.metadata`, where standard decorators (TypeScript 5.2+, esbuild) keep what field
 * decorators record. Node does not define it yet; TypeScript's and esbuild's output use it when
 * it exists when a class is defined, so the sdk defines it, as `Symbol.for('Symbol.metadata')`
 * (the fallback esbuild uses), on load — before any user class that imports a decorator.
 */
export const SYMBOL_METADATA: symbol = ((Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata'));
