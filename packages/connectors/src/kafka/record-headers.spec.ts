import type { IHeaders } from 'kafkajs';
import { fromKafkaHeaders, kafkaHeadersSize, toKafkaHeaders } from './record-headers';

// kafkajs's protocol internals, to check what its producer writes and its consumer reads.
/* eslint-disable @typescript-eslint/no-require-imports */
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => { readVarInt(): number };
const recordEncoder = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: { key: Buffer; value: Buffer; headers: IHeaders | undefined }) => { buffer: Buffer };
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (decoder: unknown, context: object) => { headers: IHeaders };
/* eslint-enable @typescript-eslint/no-require-imports */
const encodeRecord = (record: { key: Buffer; value: Buffer; headers: IHeaders | undefined }): Buffer => recordEncoder(record).buffer;

const pairs = (headers: { key: string; value: Uint8Array | null }[] | undefined) =>
  headers?.map(({ key, value }) => [key, value === null ? null : Buffer.from(value).toString('hex')]);

describe('Kafka record headers', () => {
  it('come from kafkajs as a list: each value of a repeated key in order, strings as UTF-8, null as null', () => {
    const headers = fromKafkaHeaders({
      'trace-id': Buffer.from('t-1'),
      tag: [Buffer.from('a'), Buffer.from([0xff, 0x00]), 'é'],
      nothing: null as unknown as Buffer,
      empty: Buffer.alloc(0),
      skipped: undefined,
    });
    expect(pairs(headers)).toEqual([
      ['trace-id', Buffer.from('t-1').toString('hex')],
      ['tag', '61'],
      ['tag', 'ff00'],
      ['tag', 'c3a9'],
      ['nothing', null],
      ['empty', ''],
    ]);
  });

  it('are left out for a record without any (kafkajs gives an empty object)', () => {
    expect(fromKafkaHeaders({})).toBeUndefined();
    expect(fromKafkaHeaders(undefined)).toBeUndefined();
  });

  it('go to kafkajs with a repeated key as an array of its values, in order', () => {
    const headers = toKafkaHeaders([
      { key: 'tag', value: Uint8Array.of(0x61) },
      { key: 'trace-id', value: Uint8Array.of(0x74) },
      { key: 'tag', value: Uint8Array.of(0xff) },
      { key: 'tag', value: new Uint8Array(0) },
    ]);
    expect(Object.keys(headers ?? {})).toEqual(['tag', 'trace-id']);
    expect(headers?.['tag']).toEqual([Buffer.from('a'), Buffer.from([0xff]), Buffer.alloc(0)]);
    expect(headers?.['trace-id']).toEqual(Buffer.from('t'));
    expect(toKafkaHeaders(undefined)).toBeUndefined();
    expect(toKafkaHeaders([])).toBeUndefined();
  });

  it('go to kafkajs with a null value that kafkajs writes as null, distinct from an empty one', () => {
    const headers = toKafkaHeaders([
      { key: 'n', value: null },
      { key: 'm', value: Uint8Array.of(1) },
      { key: 'm', value: null },
      { key: 'e', value: new Uint8Array(0) },
    ]);
    expect(kafkaHeadersSize([{ key: 'n', value: null }])).toBe(1 + 2);

    // kafkajs's own record encoder and decoder, as its producer and consumer use them.
    const record = encodeRecord({ key: Buffer.from('k'), value: Buffer.from('v'), headers });
    const decoder = new Decoder(record);
    expect(decoder.readVarInt()).toBe(record.length - 1); // the length the encoder measured is the length it wrote
    const decoded = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
    expect(pairs(fromKafkaHeaders(decoded.headers))).toEqual([
      ['n', null],
      ['m', '01'],
      ['m', null],
      ['e', ''],
    ]);
  });

  it('keep a header named __proto__ as a header', () => {
    const headers = toKafkaHeaders([{ key: '__proto__', value: Uint8Array.of(1) }]);
    expect(Object.keys(headers ?? {})).toEqual(['__proto__']);
    expect(pairs(fromKafkaHeaders(headers))).toEqual([['__proto__', '01']]);
  });

  it('round-trip through both directions', () => {
    const list = [
      { key: 'a', value: Uint8Array.of(1) },
      { key: 'b', value: Uint8Array.of(2) },
      { key: 'a', value: Uint8Array.of(3) },
    ];
    // kafkajs groups by key: the values of a key keep their order.
    expect(pairs(fromKafkaHeaders(toKafkaHeaders(list)))).toEqual([
      ['a', '01'],
      ['a', '03'],
      ['b', '02'],
    ]);
  });

  it('count their bytes for request sizing', () => {
    expect(kafkaHeadersSize(undefined)).toBe(0);
    expect(kafkaHeadersSize([{ key: 'ké', value: Uint8Array.of(1, 2) }])).toBe(3 + 2 + 2);
  });
});
