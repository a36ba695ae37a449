import { BinaryWriter, WireType, expectWireType, readerOf, type BinaryReader } from './wire-format';
import type { PbAddress, PbTypedValue } from './wire-types';

// Keyflow's messages that travel as the value of a TypedValue (proto/io/keyflow/sdk/request.proto
// and schedule.proto): requests, replies and schedule ticks. Any StateFun runtime carries them
// like any other message; the Keyflow sdk of the receiving function unwraps them.

/** Typename of a {@link PbRequestEnvelope} value. */
export const REQUEST_TYPENAME = 'type.googleapis.com/io.keyflow.sdk.Request';
/** Typename of a {@link PbReplyEnvelope} value. */
export const REPLY_TYPENAME = 'type.googleapis.com/io.keyflow.sdk.Reply';
/** Typename of a {@link PbScheduleTick} value. */
export const SCHEDULE_TICK_TYPENAME = 'type.googleapis.com/io.keyflow.sdk.ScheduleTick';

/** `io.keyflow.sdk.Request`: a message sent with `ctx.request`. */
export interface PbRequestEnvelope {
  correlationId: string;
  payload: PbTypedValue;
  replyTo: PbAddress | undefined;
}

/** `io.keyflow.sdk.Reply`: the answer `ctx.reply` sends to a request. */
export interface PbReplyEnvelope {
  correlationId: string;
  payload: PbTypedValue;
}

/** `io.keyflow.sdk.ScheduleTick`: the delayed message that makes a schedule fire. */
export interface PbScheduleTick {
  name: string;
  generation: number;
  scheduledAtMs: number;
}

const EMPTY_BYTES = new Uint8Array(0);

export function encodeRequestEnvelope(request: PbRequestEnvelope): Uint8Array {
  const writer = new BinaryWriter();
  if (request.correlationId !== '') writer.tag(1, WireType.LengthDelimited).string(request.correlationId);
  writeTypedValue(writer, 2, request.payload);
  if (request.replyTo) writeAddress(writer, 3, request.replyTo);
  return writer.finish();
}

export function decodeRequestEnvelope(bytes: Uint8Array): PbRequestEnvelope {
  const request: PbRequestEnvelope = { correlationId: '', payload: emptyTypedValue(), replyTo: undefined };
  const reader = readerOf(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'Request.correlation_id');
      request.correlationId = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.LengthDelimited, 'Request.payload');
      request.payload = readTypedValue(reader);
    } else if (field === 3) {
      expectWireType(wireType, WireType.LengthDelimited, 'Request.reply_to');
      request.replyTo = readAddress(reader);
    } else {
      reader.skip(wireType, field);
    }
  }
  return request;
}

export function encodeReplyEnvelope(reply: PbReplyEnvelope): Uint8Array {
  const writer = new BinaryWriter();
  if (reply.correlationId !== '') writer.tag(1, WireType.LengthDelimited).string(reply.correlationId);
  writeTypedValue(writer, 2, reply.payload);
  return writer.finish();
}

export function decodeReplyEnvelope(bytes: Uint8Array): PbReplyEnvelope {
  const reply: PbReplyEnvelope = { correlationId: '', payload: emptyTypedValue() };
  const reader = readerOf(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'Reply.correlation_id');
      reply.correlationId = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.LengthDelimited, 'Reply.payload');
      reply.payload = readTypedValue(reader);
    } else {
      reader.skip(wireType, field);
    }
  }
  return reply;
}

export function encodeScheduleTick(tick: PbScheduleTick): Uint8Array {
  const writer = new BinaryWriter();
  if (tick.name !== '') writer.tag(1, WireType.LengthDelimited).string(tick.name);
  if (tick.generation !== 0) writer.tag(2, WireType.Varint).int64(tick.generation);
  if (tick.scheduledAtMs !== 0) writer.tag(3, WireType.Varint).int64(tick.scheduledAtMs);
  return writer.finish();
}

export function decodeScheduleTick(bytes: Uint8Array): PbScheduleTick {
  const tick: PbScheduleTick = { name: '', generation: 0, scheduledAtMs: 0 };
  const reader = readerOf(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'ScheduleTick.name');
      tick.name = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.Varint, 'ScheduleTick.generation');
      tick.generation = Number(reader.int64());
    } else if (field === 3) {
      expectWireType(wireType, WireType.Varint, 'ScheduleTick.scheduled_at_ms');
      tick.scheduledAtMs = Number(reader.int64());
    } else {
      reader.skip(wireType, field);
    }
  }
  return tick;
}

function emptyTypedValue(): PbTypedValue {
  return { typename: '', hasValue: false, value: EMPTY_BYTES };
}

function writeTypedValue(writer: BinaryWriter, fieldNo: number, value: PbTypedValue): void {
  writer.tag(fieldNo, WireType.LengthDelimited).fork();
  if (value.typename !== '') writer.tag(1, WireType.LengthDelimited).string(value.typename);
  if (value.hasValue) writer.tag(2, WireType.Varint).bool(true);
  if (value.value.length > 0) writer.tag(3, WireType.LengthDelimited).bytes(value.value);
  writer.join();
}

function writeAddress(writer: BinaryWriter, fieldNo: number, address: PbAddress): void {
  writer.tag(fieldNo, WireType.LengthDelimited).fork();
  if (address.namespace !== '') writer.tag(1, WireType.LengthDelimited).string(address.namespace);
  if (address.type !== '') writer.tag(2, WireType.LengthDelimited).string(address.type);
  if (address.id !== '') writer.tag(3, WireType.LengthDelimited).string(address.id);
  writer.join();
}

function readTypedValue(outer: BinaryReader): PbTypedValue {
  const value = emptyTypedValue();
  const reader = readerOf(outer.bytes());
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.typename');
      value.typename = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, WireType.Varint, 'TypedValue.has_value');
      value.hasValue = reader.bool();
    } else if (field === 3) {
      expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.value');
      value.value = reader.bytes();
    } else {
      reader.skip(wireType, field);
    }
  }
  return value;
}

function readAddress(outer: BinaryReader): PbAddress {
  const address: PbAddress = { namespace: '', type: '', id: '' };
  const reader = readerOf(outer.bytes());
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field >= 1 && field <= 3) {
      expectWireType(wireType, WireType.LengthDelimited, 'Address');
      const text = reader.string();
      if (field === 1) address.namespace = text;
      else if (field === 2) address.type = text;
      else address.id = text;
    } else {
      reader.skip(wireType, field);
    }
  }
  return address;
}
