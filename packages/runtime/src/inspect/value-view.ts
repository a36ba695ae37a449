import { fromBinary, toJson, type DescMessage } from '@bufbuild/protobuf';
import { Types } from '@keyflow/sdk';
import { LIST_STATE_TYPENAME, MAP_STATE_TYPENAME, decodeListStateValue, decodeMapStateValue } from '@keyflow/sdk/protocol';

/**
 * A stored value as a person reads it: built-in types and JSON as values, protobuf messages of
 * the registered types as their JSON form, lists and maps entry by entry, anything else as
 * base64 bytes.
 */
export type ValueView =
  | { readonly typename: string; readonly encoding: 'builtin' | 'json' | 'protobuf'; readonly value: unknown }
  | { readonly typename: string; readonly encoding: 'list'; readonly elements: readonly ValueView[]; readonly truncated?: boolean }
  | { readonly typename: string; readonly encoding: 'map'; readonly entries: readonly MapEntryView[]; readonly truncated?: boolean }
  | { readonly typename: string; readonly encoding: 'bytes'; readonly base64: string; readonly reason?: string };

/** One entry of a map state, with its own expiry. */
export interface MapEntryView {
  readonly key: string;
  readonly value: ValueView;
  /** Epoch ms at which the entry expires; undefined: never. */
  readonly expiresAt?: number;
}

const BUILTIN = new Map<string, (bytes: Uint8Array) => unknown>(
  Object.values(Types).map((type) => [type.typename, (bytes: Uint8Array) => (type.deserialize as (b: Uint8Array) => unknown)(bytes)]),
);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Turns stored bytes into a {@link ValueView}, decoding protobuf with `protobufTypes` (by typename). */
export class ValueViewer {
  readonly #protobuf = new Map<string, DescMessage>();

  constructor(protobufTypes: readonly DescMessage[] = []) {
    for (const schema of protobufTypes) this.#protobuf.set(`type.googleapis.com/${schema.typeName}`, schema);
  }

  view(typename: string, bytes: Uint8Array): ValueView {
    try {
      return this.#view(typename, bytes);
    } catch (error) {
      return { typename, encoding: 'bytes', base64: base64(bytes), reason: `not decodable as ${typename}: ${(error as Error).message}` };
    }
  }

  #view(typename: string, bytes: Uint8Array): ValueView {
    const builtin = BUILTIN.get(typename);
    if (builtin !== undefined) return { typename, encoding: 'builtin', value: builtin(bytes) };
    if (typename === LIST_STATE_TYPENAME) {
      const list = decodeListStateValue(bytes);
      return { typename, encoding: 'list', elements: list.elements.map((element) => this.view(list.elementTypename, element)) };
    }
    if (typename === MAP_STATE_TYPENAME) {
      const map = decodeMapStateValue(bytes);
      const entries = [...map.entries].map(([key, entry]) => ({
        key,
        value: this.view(map.valueTypename, entry.value),
        ...(entry.expiresAtMillis === 0 ? {} : { expiresAt: entry.expiresAtMillis }),
      }));
      return { typename, encoding: 'map', entries };
    }
    const schema = this.#protobuf.get(typename);
    if (schema !== undefined) return { typename, encoding: 'protobuf', value: toJson(schema, fromBinary(schema, bytes)) };
    const json = parseJson(bytes);
    if (json !== undefined) return { typename, encoding: 'json', value: json.value };
    return { typename, encoding: 'bytes', base64: base64(bytes) };
  }
}

/** JSON when the bytes are UTF-8 JSON, else undefined. */
function parseJson(bytes: Uint8Array): { value: unknown } | undefined {
  if (bytes.length === 0) return undefined;
  try {
    return { value: JSON.parse(utf8.decode(bytes)) as unknown };
  } catch {
    return undefined;
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
