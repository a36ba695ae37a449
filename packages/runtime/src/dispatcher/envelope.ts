import type { PbAddress, PbTypedValue } from '@keyflow/sdk/protocol';
import { ByteReader, ByteWriter } from '../state/binary-codec';

/** A message on its way to a function instance. */
export interface Envelope {
  readonly target: PbAddress;
  readonly argument: PbTypedValue;
  /** The sending function; undefined for messages from an ingress or a timer of an ingress. */
  readonly caller: PbAddress | undefined;
}

/** Appends an envelope to `writer` (mailbox snapshots, timers, ingress logs). */
export function writeEnvelope(writer: ByteWriter, envelope: Envelope): void {
  writeAddress(writer, envelope.target);
  writer.uint8(envelope.caller ? 1 : 0);
  if (envelope.caller) writeAddress(writer, envelope.caller);
  writer.string(envelope.argument.typename).uint8(envelope.argument.hasValue ? 1 : 0).bytes(envelope.argument.value);
}

/** Reads an envelope written by {@link writeEnvelope}. */
export function readEnvelope(reader: ByteReader): Envelope {
  const target = readAddress(reader);
  const caller = reader.uint8() === 1 ? readAddress(reader) : undefined;
  const typename = reader.string();
  const hasValue = reader.uint8() === 1;
  return { target, caller, argument: { typename, hasValue, value: reader.bytes() } };
}

/** Encodes a list of envelopes. */
export function encodeEnvelopes(envelopes: readonly Envelope[]): Buffer {
  const writer = new ByteWriter(64 * Math.max(1, envelopes.length));
  writer.varint(envelopes.length);
  for (const envelope of envelopes) writeEnvelope(writer, envelope);
  return writer.finish();
}

/** Decodes {@link encodeEnvelopes}'s bytes. */
export function decodeEnvelopes(bytes: Uint8Array): Envelope[] {
  const reader = new ByteReader(bytes);
  const count = reader.varint();
  const envelopes: Envelope[] = [];
  for (let index = 0; index < count; index++) envelopes.push(readEnvelope(reader));
  return envelopes;
}

function writeAddress(writer: ByteWriter, address: PbAddress): void {
  writer.string(address.namespace).string(address.type).string(address.id);
}

function readAddress(reader: ByteReader): PbAddress {
  return { namespace: reader.string(), type: reader.string(), id: reader.string() };
}
