import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { Types } from '../types/builtin-types';
import type { Type } from '../types/type';
import type { PbTypedValue } from '../protocol/wire-types';

/**
 * One header of the Kafka record a message came from. `value` is the header's bytes as they
 * were on the record, or null for Kafka's null header value (as distinct from an empty one);
 * {@link Message.header} reads one as text.
 */
export interface MessageHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

/**
 * What a message that a schedule delivered says about its tick (see `ctx.schedule`).
 *
 * @example
 * if (msg.tick) log(`${msg.tick.name} due at ${new Date(msg.tick.scheduledAt).toISOString()}, ${msg.tick.missed} missed`);
 */
export interface ScheduleTickInfo {
  /** The schedule's name. */
  readonly name: string;
  /** When this tick was due, in milliseconds since the epoch. */
  readonly scheduledAt: number;
  /**
   * How many later ticks were also due when this one was handled (the runtime was down or
   * behind), coalesced into this one: they are not delivered separately.
   */
  readonly missed: number;
}

/** @internal Where a message came from, beyond its caller: a request, a reply or a schedule. */
export interface MessageOrigin {
  readonly correlationId?: string;
  readonly tick?: ScheduleTickInfo;
}

// Keeps a leading U+FEFF, as the protocol's string fields do (TextDecoder drops it by default).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Shared by every message without headers, so that those cost no allocation. */
const NO_HEADERS: readonly MessageHeader[] = Object.freeze([]);

/**
 * A message delivered to a function: a typename and the value's bytes, read with a {@link Type},
 * and the headers of the Kafka record it came from, if it came from one.
 *
 * @example
 * if (msg.is(Greeting)) { const greeting = msg.as(Greeting); }
 * const name = msg.asString();
 * const traceId = msg.header('trace-id'); // a Kafka record header, as UTF-8 text
 */
export class Message {
  readonly #typedValue: PbTypedValue;
  readonly #headers: readonly MessageHeader[];
  readonly #origin: MessageOrigin | undefined;

  /** @internal Built by the request handler. */
  constructor(typedValue: PbTypedValue, headers: readonly MessageHeader[] = NO_HEADERS, origin?: MessageOrigin) {
    this.#typedValue = typedValue;
    this.#headers = headers;
    this.#origin = origin;
  }

  /**
   * The correlation id of a request (a message sent with `ctx.request`) or of the reply to one;
   * undefined for other messages. `ctx.request` returns the id it gave the request.
   */
  get correlationId(): string | undefined {
    return this.#origin?.correlationId;
  }

  /** The tick of a message that a schedule delivered (`ctx.schedule`); undefined for others. */
  get tick(): ScheduleTickInfo | undefined {
    return this.#origin?.tick;
  }

  /** The typename of the value, e.g. `io.statefun.types/string`. */
  get typename(): string {
    return this.#typedValue.typename;
  }

  /** The value's serialized bytes. */
  get rawValue(): Uint8Array {
    return this.#typedValue.value;
  }

  /**
   * The headers of the Kafka record this message came from; a key may occur more than once,
   * its values in record order. Empty for messages from functions, timers and other ingresses.
   * On the wire they are the argument's `TypedValue.metadata`, as the maintained StateFun line
   * (kzmlabs/flink-statefun) passes them; Apache StateFun 3.3 does not, so under it this is
   * always empty.
   *
   * @example
   * for (const { key, value } of msg.headers) log(key, value?.length ?? 'null');
   */
  get headers(): readonly MessageHeader[] {
    return this.#headers;
  }

  /**
   * The last value of header `key`, read as UTF-8 text (invalid sequences become U+FFFD); null
   * when that value is Kafka's null; undefined when the message has no such header. The last one, as Kafka's own
   * `Headers.lastHeader` reads a repeated key; for every value or for bytes, use {@link headers}.
   *
   * @example
   * const traceId = msg.header('trace-id') ?? 'none';
   */
  header(key: string): string | null | undefined {
    const headers = this.#headers;
    for (let index = headers.length - 1; index >= 0; index--) {
      const header = headers[index] as MessageHeader;
      if (header.key === key) return header.value === null ? null : utf8.decode(header.value);
    }
    return undefined;
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
