import { readEnvelope, writeEnvelope, type Envelope } from '../message/envelope';
import { ByteReader, ByteWriter } from '../message/binary-codec';

/** A message waiting for its delivery time. */
export interface DelayedMessage {
  /** Unique and increasing in creation order. */
  readonly id: number;
  /** Epoch ms at which it is delivered. */
  readonly dueAt: number;
  /** The address key of the function that sent it: cancellation tokens are scoped to it. */
  readonly owner: string;
  /** The cancellation token, or '' for none. */
  readonly token: string;
  readonly envelope: Envelope;
}

export function encodeDelayedMessage(message: DelayedMessage): Buffer {
  const writer = new ByteWriter(96);
  writer.varint(message.id).double(message.dueAt).string(message.owner).string(message.token);
  writeEnvelope(writer, message.envelope);
  return writer.finish();
}

export function decodeDelayedMessage(bytes: Uint8Array): DelayedMessage {
  const reader = new ByteReader(bytes);
  const id = reader.varint();
  const dueAt = reader.double();
  const owner = reader.string();
  const token = reader.string();
  return { id, dueAt, owner, token, envelope: readEnvelope(reader) };
}
