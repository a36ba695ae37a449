import type { WireWriter } from './wire-writer';
import type { PbAddress, PbTypedValue } from './wire-types';

// The two sub-messages both directions of the protocol write, for the WireWriter codecs.

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Writes `address` as field `fieldNo`. Proto3 rules: empty strings are omitted. */
export function writeAddressTo(writer: WireWriter, fieldNo: number, address: PbAddress): void {
  writer.tag(fieldNo, LENGTH_DELIMITED);
  const start = writer.fork();
  if (address.namespace !== '') writer.tag(1, LENGTH_DELIMITED).string(address.namespace);
  if (address.type !== '') writer.tag(2, LENGTH_DELIMITED).string(address.type);
  if (address.id !== '') writer.tag(3, LENGTH_DELIMITED).string(address.id);
  writer.join(start);
}

/** Writes `value` as field `fieldNo`. Proto3 rules: defaults are omitted. */
export function writeTypedValueTo(writer: WireWriter, fieldNo: number, value: PbTypedValue): void {
  writer.tag(fieldNo, LENGTH_DELIMITED);
  const start = writer.fork();
  if (value.typename !== '') writer.tag(1, LENGTH_DELIMITED).string(value.typename);
  if (value.hasValue) writer.tag(2, VARINT).bool(true);
  if (value.value.length > 0) writer.tag(3, LENGTH_DELIMITED).bytes(value.value);
  writer.join(start);
}
