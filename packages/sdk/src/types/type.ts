/**
 * How values of one kind travel: a typename that names them on the wire, and the functions
 * that turn them into bytes and back. Built-in types are in {@link Types}; make your own
 * with `jsonType`, `protobufType` or `customType`.
 */
export interface Type<T> {
  /** The name of this type on the wire, e.g. `io.statefun.types/int` or `example/Greeting`. */
  readonly typename: string;
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** The value type that a {@link Type} carries. */
export type ValueOf<T> = T extends Type<infer V> ? V : never;
