import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { Types } from '../types/builtin-types';
import type { Type } from '../types/type';
import type { PbTypedValue } from '../protocol/wire-types';

/**
 * A message delivered to a function: a typename and the value's bytes, read with a {@link Type}.
 *
 * @example
 * if (msg.is(Greeting)) { const greeting = msg.as(Greeting); }
 * const name = msg.asString();
 */
export class Message {
  readonly #typedValue: PbTypedValue;

  /** @internal Built by the request handler. */
  constructor(typedValue: PbTypedValue) {
    this.#typedValue = typedValue;
  }

  /** The typename of the value, e.g. `io.statefun.types/string`. */
  get typename(): string {
    return this.#typedValue.typename;
  }

  /** The value's serialized bytes. */
  get rawValue(): Uint8Array {
    return this.#typedValue.value;
  }

  /** True when the message's value is of `type`. */
  is(type: Type<unknown>): boolean {
    return this.#typedValue.typename === type.typename;
  }

  /** The value read as `type`. Throws `KF_TYPE_MISMATCH` when the message is of another type. */
  as<T>(type: Type<T>): T {
    if (!this.is(type)) {
      throw new KeyflowError(
        SdkErrorCodes.TYPE_MISMATCH,
        `The message is of type ${this.typename}, not ${type.typename}; check with msg.is(type) before msg.as(type).`,
      );
    }
    try {
      return type.deserialize(this.#typedValue.value);
    } catch (error) {
      throw new KeyflowError(
        SdkErrorCodes.SERIALIZATION_FAILED,
        `The message value could not be read as ${type.typename}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  isString(): boolean {
    return this.is(Types.string);
  }
  asString(): string {
    return this.as(Types.string);
  }
  isInt(): boolean {
    return this.is(Types.int);
  }
  asInt(): number {
    return this.as(Types.int);
  }
  isLong(): boolean {
    return this.is(Types.long);
  }
  asLong(): number {
    return this.as(Types.long);
  }
  isFloat(): boolean {
    return this.is(Types.float);
  }
  asFloat(): number {
    return this.as(Types.float);
  }
  isDouble(): boolean {
    return this.is(Types.double);
  }
  asDouble(): number {
    return this.as(Types.double);
  }
  isBool(): boolean {
    return this.is(Types.bool);
  }
  asBool(): boolean {
    return this.as(Types.bool);
  }
}
