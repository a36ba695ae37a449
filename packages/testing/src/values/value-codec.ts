import { KeyflowError, Types, type Type } from '@keyflow/sdk';
import {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  decodeKafkaProducerRecord,
  decodeKinesisEgressRecord,
  decodeListStateValue,
  decodeMapStateValue,
  type PbTypedValue,
} from '@keyflow/sdk/protocol';
import { TestingErrorCodes } from '../errors/testing-error-codes';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns values into wire values and back for the kit: by their {@link Type} when the kit knows
 * it (built-in types, the types of the functions' state, the `types` option), else as JSON
 * when the bytes are a UTF-8 JSON object or array, else as a string or the bytes themselves.
 */
export class ValueCodec {
  readonly #types = new Map<string, Type<unknown>>();

  constructor(types: Iterable<Type<unknown>>) {
    for (const type of Object.values(Types) as Type<unknown>[]) this.#types.set(type.typename, type);
    for (const type of types) this.#types.set(type.typename, type);
  }

  /**
   * A wire value for `kit.send`. Without `type`: a string is `io.statefun.types/string`, a
   * boolean `bool`, an integer `int` (`long` beyond 32 bits), another number `double`; any
   * other value needs its type.
   */
  encode(value: unknown, type: Type<unknown> | undefined): PbTypedValue {
    const chosen = type ?? builtInTypeOf(value);
    if (!chosen) {
      throw new KeyflowError(
        TestingErrorCodes.KIT_VALUE_TYPE_NEEDED,
        `kit.send got ${describe(value)}, whose wire type the kit cannot tell; pass its type as the third argument, e.g. kit.send(address, value, CartCommandType).`,
      );
    }
    return { typename: chosen.typename, hasValue: true, value: chosen.serialize(value) };
  }

  /** The value a wire value carries: collections as arrays and objects, Kafka and Kinesis records unpacked. */
  decode(typed: PbTypedValue, now: number): unknown {
    if (!typed.hasValue) return undefined;
    return this.#decodeBytes(typed.typename, typed.value, now);
  }

  #decodeBytes(typename: string, bytes: Uint8Array, now: number): unknown {
    const type = this.#types.get(typename);
    if (type) return type.deserialize(bytes);
    if (typename === MAP_STATE_TYPENAME) {
      const map = decodeMapStateValue(bytes);
      const entries: Record<string, unknown> = {};
      for (const [key, entry] of map.entries) {
        if (entry.expiresAtMillis === 0 || entry.expiresAtMillis > now) entries[key] = this.#decodeBytes(map.valueTypename, entry.value, now);
      }
      return entries;
    }
    if (typename === LIST_STATE_TYPENAME) {
      const list = decodeListStateValue(bytes);
      return list.elements.map((element) => this.#decodeBytes(list.elementTypename, element, now));
    }
    if (typename === KAFKA_PRODUCER_RECORD_TYPENAME) {
      const record = decodeKafkaProducerRecord(bytes);
      return { topic: record.topic, key: record.key, value: bytesToValue(record.valueBytes) };
    }
    if (typename === KINESIS_EGRESS_RECORD_TYPENAME) {
      const record = decodeKinesisEgressRecord(bytes);
      return { stream: record.stream, partitionKey: record.partitionKey, value: bytesToValue(record.valueBytes) };
    }
    return bytesToValue(bytes);
  }
}

/** JSON when the bytes are a UTF-8 JSON object or array, else the UTF-8 string, else the bytes. */
function bytesToValue(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return bytes;
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function builtInTypeOf(value: unknown): Type<unknown> | undefined {
  if (typeof value === 'string') return Types.string;
  if (typeof value === 'boolean') return Types.bool;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return Types.double;
    return Math.abs(value) <= 0x7fffffff ? Types.int : Types.long;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
