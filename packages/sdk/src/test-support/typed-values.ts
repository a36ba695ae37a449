// TypedValues for test requests. The built-in ones are serialized with the generated wrapper
// schemas, not with the sdk's own `Types`, so handler tests do not trust the code they test.

import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  BooleanWrapperSchema,
  DoubleWrapperSchema,
  FloatWrapperSchema,
  IntWrapperSchema,
  LongWrapperSchema,
  StringWrapperSchema,
} from '../generated/io/statefun/sdk/types/types_pb';
import type { PbTypedValue } from '../protocol/wire-types';
import type { Type } from '../types/type';

/** The typenames of StateFun's built-in types. */
export const BUILTIN_TYPENAMES = {
  bool: 'io.statefun.types/bool',
  int: 'io.statefun.types/int',
  long: 'io.statefun.types/long',
  float: 'io.statefun.types/float',
  double: 'io.statefun.types/double',
  string: 'io.statefun.types/string',
} as const;

function present(typename: string, value: Uint8Array): PbTypedValue {
  return { typename, hasValue: true, value };
}

/** Built-in values as the reference (protobuf-es) serializes them. */
export const wrapped = {
  bool: (value: boolean) =>
    present(BUILTIN_TYPENAMES.bool, toBinary(BooleanWrapperSchema, create(BooleanWrapperSchema, { value }))),
  int: (value: number) =>
    present(BUILTIN_TYPENAMES.int, toBinary(IntWrapperSchema, create(IntWrapperSchema, { value }))),
  long: (value: number | bigint) =>
    present(
      BUILTIN_TYPENAMES.long,
      toBinary(LongWrapperSchema, create(LongWrapperSchema, { value: BigInt(value) })),
    ),
  float: (value: number) =>
    present(BUILTIN_TYPENAMES.float, toBinary(FloatWrapperSchema, create(FloatWrapperSchema, { value }))),
  double: (value: number) =>
    present(BUILTIN_TYPENAMES.double, toBinary(DoubleWrapperSchema, create(DoubleWrapperSchema, { value }))),
  string: (value: string) =>
    present(BUILTIN_TYPENAMES.string, toBinary(StringWrapperSchema, create(StringWrapperSchema, { value }))),
};

/** Built-in values read back with the reference schemas. */
export const unwrapped = {
  bool: (bytes: Uint8Array) => fromBinary(BooleanWrapperSchema, bytes).value,
  int: (bytes: Uint8Array) => fromBinary(IntWrapperSchema, bytes).value,
  long: (bytes: Uint8Array) => fromBinary(LongWrapperSchema, bytes).value,
  float: (bytes: Uint8Array) => fromBinary(FloatWrapperSchema, bytes).value,
  double: (bytes: Uint8Array) => fromBinary(DoubleWrapperSchema, bytes).value,
  string: (bytes: Uint8Array) => fromBinary(StringWrapperSchema, bytes).value,
};

/** A value serialized by an sdk type (JSON, protobuf and custom types). */
export function typedValue<T>(type: Type<T>, value: T): PbTypedValue {
  return present(type.typename, type.serialize(value));
}

/** A state value the runtime knows but that holds nothing (`has_value` false). */
export function noValue(typename: string): PbTypedValue {
  return { typename, hasValue: false, value: new Uint8Array(0) };
}

/** Text as UTF-8 bytes, for raw payloads. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
