import type { PbAddress, PbHeader, PbTypedValue } from '@keyflow/sdk/protocol';
import { ByteReader, ByteWriter } from './binary-codec';

/** A message on its way to a function instance. */
export interface Envelope {
  readonly target: PbAddress;
  readonly argument: PbTypedValue;
  /** The sending function; undefined for messages from an ingress or a timer of an ingress. */
  readonly caller: PbAddress | undefined;
  /**
   * The headers of the Kafka record the message came from (sent to the function as its
   * argument's `TypedValue.metadata`). Left out, never empty, when there are none.
   */
  readonly headers?: readonly PbHeader[];
}

// The flag byte after the target. Versions before headers wrote 0 or 1 (the caller bit only),
// versions before null header values bit 1 for headers without a presence byte; this version
// writes bit 2 for headers with one and reads all three. A bit it does not know means bytes of
// a newer version.
const HAS_CALLER = 0b001;
const HAS_HEADERS_WITHOUT_NULLS = 0b010;
const HAS_HEADERS = 0b100;
const KNOWN_FLAGS = HAS_CALLER | HAS_HEADERS_WITHOUT_NULLS | HAS_HEADERS;

/**
 * Appends an envelope to `writer` (mailbox snapshots, timers, ingress logs): the target, a flag
 * byte (bit 0: a caller follows, bit 2: headers follow), the caller, the headers (a count, then
 * key, a byte 1 or 0 for whether a value follows, and the value of each), the argument. An
 * envelope without headers is written as before headers existed.
 */
export function writeEnvelope(writer: ByteWriter, envelope: Envelope): void {
  writeAddress(writer, envelope.target);
  const headers = envelope.headers !== undefined && envelope.headers.length > 0 ? envelope.headers : undefined;
  writer.uint8((envelope.caller ? HAS_CALLER : 0) | (headers ? HAS_HEADERS : 0));
  if (envelope.caller) writeAddress(writer, envelope.caller);
  if (headers) {
    writer.varint(headers.length);
    for (const header of headers) {
      writer.string(header.key).uint8(header.value === null ? 0 : 1);
      if (header.value !== null) writer.bytes(header.value);
    }
  }
  writer.string(envelope.argument.typename).uint8(envelope.argument.hasValue ? 1 : 0).bytes(envelope.argument.value);
}

/** Reads an envelope written by {@link writeEnvelope}, of this version or an earlier one. */
export function readEnvelope(reader: ByteReader): Envelope {
  const target = readAddress(reader);
  const flags = reader.uint8();
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new RangeError(`envelope flags 0x${flags.toString(16)} have bits this version does not know: the data was written by a newer Keyflow`);
  }
  const caller = flags & HAS_CALLER ? readAddress(reader) : undefined;
  const headers = flags & HAS_HEADERS ? readHeaders(reader) : flags & HAS_HEADERS_WITHOUT_NULLS ? readHeadersWithoutNulls(reader) : undefined;
  const typename = reader.string();
  const hasValue = reader.uint8() === 1;
  const argument = { typename, hasValue, value: reader.bytes() };
  return headers && headers.length > 0 ? { target, caller, argument, headers } : { target, caller, argument };
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

function readHeaders(reader: ByteReader): PbHeader[] {
  const count = reader.varint();
  const headers: PbHeader[] = [];
  for (let index = 0; index < count; index++) {
    const key = reader.string();
    headers.push({ key, value: reader.uint8() === 1 ? reader.bytes() : null });
  }
  return headers;
}

/** Headers as versions before null header values wrote them. */
function readHeadersWithoutNulls(reader: ByteReader): PbHeader[] {
  const count = reader.varint();
  const headers: PbHeader[] = [];
  for (let index = 0; index < count; index++) headers.push({ key: reader.string(), value: reader.bytes() });
  return headers;
}
