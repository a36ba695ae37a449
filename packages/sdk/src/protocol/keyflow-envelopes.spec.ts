import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ReplySchema, RequestSchema } from '../generated/io/keyflow/sdk/request_pb';
import { ScheduleTickSchema } from '../generated/io/keyflow/sdk/schedule_pb';
import { wrapped } from '../test-support/typed-values';
import {
  decodeReplyEnvelope,
  decodeRequestEnvelope,
  decodeScheduleTick,
  encodeReplyEnvelope,
  encodeRequestEnvelope,
  encodeScheduleTick,
} from './keyflow-envelopes';

const payload = wrapped.string('how much?');
const replyTo = { namespace: 'bank', type: 'teller', id: 'desk-7' };

describe("Keyflow's envelopes, byte for byte as the protobuf-es reference", () => {
  it('encodes and decodes a Request', () => {
    const request = { correlationId: 'c-1', payload, replyTo };
    const bytes = encodeRequestEnvelope(request);
    expect(bytes).toEqual(toBinary(RequestSchema, create(RequestSchema, request)));
    expect(decodeRequestEnvelope(bytes)).toEqual(request);
    expect(decodeRequestEnvelope(toBinary(RequestSchema, create(RequestSchema, { correlationId: 'c-2', payload })))).toEqual({
      correlationId: 'c-2',
      payload,
      replyTo: undefined,
    });
  });

  it('encodes and decodes a Reply', () => {
    const reply = { correlationId: 'c-1', payload: wrapped.int(42) };
    const bytes = encodeReplyEnvelope(reply);
    expect(bytes).toEqual(toBinary(ReplySchema, create(ReplySchema, reply)));
    expect(decodeReplyEnvelope(bytes)).toEqual(reply);
  });

  it('encodes and decodes a ScheduleTick with times past 2^32', () => {
    const tick = { name: 'digest', generation: 3, scheduledAtMs: Date.parse('2026-12-03T09:00:00Z') };
    const bytes = encodeScheduleTick(tick);
    const reference = create(ScheduleTickSchema, { name: 'digest', generation: 3n, scheduledAtMs: BigInt(tick.scheduledAtMs) });
    expect(bytes).toEqual(toBinary(ScheduleTickSchema, reference));
    expect(decodeScheduleTick(bytes)).toEqual(tick);
    expect(fromBinary(ScheduleTickSchema, bytes).scheduledAtMs).toBe(BigInt(tick.scheduledAtMs));
  });

  it('skips fields it does not know', () => {
    const message = create(ReplySchema, { correlationId: 'c-9', payload });
    message.$unknown = [{ no: 1000, wireType: 0, data: Uint8Array.of(1) }];
    expect(decodeReplyEnvelope(toBinary(ReplySchema, message))).toEqual({ correlationId: 'c-9', payload });
  });

  it('rejects a field with the wrong wire type', () => {
    expect(() => decodeScheduleTick(Uint8Array.of(0x08, 0x01))).toThrow(RangeError);
  });
});
