import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { parseTypename } from '../function/typename';
import type { Type } from './type';

/**
 * A type whose values travel as UTF-8 JSON.
 *
 * @example
 * const Greeting = jsonType<{ text: string }>('example/Greeting');
 */
export function jsonType<T>(typename: string): Type<T> {
  parseTypename(typename, 'jsonType typename');
  return {
    typename,
    serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    deserialize: (bytes) =>
      JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T,
  };
}

/**
 * A type for protobuf-es messages. The typename defaults to
 * `type.googleapis.com/<full message name>`, the convention StateFun uses for protobuf values.
 *
 * @example
 * import { OrderSchema } from './gen/order_pb';
 * const Order = protobufType(OrderSchema);
 */
export function protobufType<Desc extends DescMessage>(
  schema: Desc,
  typename = `type.googleapis.com/${schema.typeName}`,
): Type<MessageShape<Desc>> {
  parseTypename(typename, 'protobufType typename');
  return {
    typename,
    serialize: (value) => toBinary(schema, value),
    deserialize: (bytes) => fromBinary(schema, bytes),
  };
}

/** A type with serialization of your own. */
export function customType<T>(
  typename: string,
  serialize: (value: T) => Uint8Array,
  deserialize: (bytes: Uint8Array) => T,
): Type<T> {
  parseTypename(typename, 'customType typename');
  return { typename, serialize, deserialize };
}
