import { create, toBinary } from '@bufbuild/protobuf';
import { SdkErrorCodes, customType, jsonType, protobufType } from '@keyflow/sdk';
import { KafkaProducerRecordSchema } from '../generated/io/statefun/sdk/egress/kafka-egress_pb';
import { hex } from '../test-support/hex';
import { expectThrowsCode } from '../test-support/keyflow-errors';

describe('jsonType', () => {
  const Cart = jsonType<{ items: string[]; total: number; note?: string }>('example/Cart');

  it('keeps the typename it was given', () => {
    expect(Cart.typename).toBe('example/Cart');
  });

  it('serializes values as UTF-8 JSON bytes', () => {
    const bytes = Cart.serialize({ items: ['äpfel', '🍐'], total: 3 });
    expect(Buffer.from(bytes).toString('utf8')).toBe('{"items":["äpfel","🍐"],"total":3}');
  });

  it('round-trips a value', () => {
    const cart = { items: ['a', 'b'], total: 2.5, note: 'gift' };
    expect(Cart.deserialize(Cart.serialize(cart))).toEqual(cart);
  });

  it('reads JSON out of a larger buffer without reading past its bytes', () => {
    const buffer = Buffer.from('xx{"items":[],"total":1}yy', 'utf8');
    expect(Cart.deserialize(buffer.subarray(2, buffer.length - 2))).toEqual({ items: [], total: 1 });
  });

  it('throws on bytes that are not JSON', () => {
    expect(() => Cart.deserialize(Buffer.from('{nope', 'utf8'))).toThrow(SyntaxError);
  });

  it.each(['', 'Cart', '/Cart', 'example/', 'exa mple/Cart'])('rejects the typename %j with KF_INVALID_TYPENAME', (typename) => {
    expectThrowsCode(() => jsonType(typename), SdkErrorCodes.INVALID_TYPENAME);
  });
});

describe('protobufType', () => {
  const KafkaRecord = protobufType(KafkaProducerRecordSchema);
  const record = create(KafkaProducerRecordSchema, { key: 'k', valueBytes: Uint8Array.of(1, 2), topic: 't' });

  it('names values type.googleapis.com/<full message name> by default', () => {
    expect(KafkaRecord.typename).toBe('type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord');
  });

  it('accepts a typename of its own', () => {
    expect(protobufType(KafkaProducerRecordSchema, 'example/Record').typename).toBe('example/Record');
  });

  it('serializes to the bytes of toBinary', () => {
    expect(hex(KafkaRecord.serialize(record))).toBe(hex(toBinary(KafkaProducerRecordSchema, record)));
  });

  it('round-trips a message', () => {
    expect(KafkaRecord.deserialize(KafkaRecord.serialize(record))).toEqual(record);
  });

  it('rejects an invalid typename with KF_INVALID_TYPENAME', () => {
    expectThrowsCode(() => protobufType(KafkaProducerRecordSchema, 'no-slash'), SdkErrorCodes.INVALID_TYPENAME);
  });
});

describe('customType', () => {
  const Point = customType<{ x: number; y: number }>(
    'example/Point',
    (point) => Uint8Array.of(point.x, point.y),
    (bytes) => ({ x: bytes[0] ?? 0, y: bytes[1] ?? 0 }),
  );

  it('serializes and deserializes with the given functions', () => {
    expect(Point.typename).toBe('example/Point');
    expect(hex(Point.serialize({ x: 3, y: 4 }))).toBe('0304');
    expect(Point.deserialize(Uint8Array.of(5, 6))).toEqual({ x: 5, y: 6 });
  });

  it('rejects an invalid typename with KF_INVALID_TYPENAME', () => {
    expectThrowsCode(
      () => customType('Point', () => new Uint8Array(0), () => 0),
      SdkErrorCodes.INVALID_TYPENAME,
    );
  });
});
