import { SdkErrorCodes, kafkaEgressMessage, type KafkaHeaders } from '@keyflow/sdk';
import { decodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import { expectThrowsCode } from '../test-support/keyflow-errors';
import { toPbHeaders } from './kafka-headers';

const WHERE = 'kafkaEgressMessage';
const text = (bytes: Uint8Array | null): string => (bytes === null ? 'null' : Buffer.from(bytes).toString('utf8'));

/** The headers `kafkaEgressMessage` puts on the record, as `[key, hex]`. */
function headersOnRecord(headers: KafkaHeaders | undefined): [string, string][] | undefined {
  const message = kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 'v', ...(headers === undefined ? {} : { headers }) });
  return decodeKafkaProducerRecord(message.typedValue.value).headers?.map(({ key, value }) => [key, value === null ? 'null' : Buffer.from(value).toString('hex')]);
}

describe('Kafka egress headers', () => {
  it('take an object: strings as UTF-8, bytes as they are, an array for a repeated key, in order', () => {
    expect(headersOnRecord({ 'trace-id': 'é1', tag: ['a', Uint8Array.of(0xff)], bin: Uint8Array.of(0, 1) })).toEqual([
      ['trace-id', 'c3a931'],
      ['tag', '61'],
      ['tag', 'ff'],
      ['bin', '0001'],
    ]);
  });

  it('take a list of { key, value } in the order given, so that msg.headers can be passed on', () => {
    const incoming = [
      { key: 'tag', value: Uint8Array.of(1) },
      { key: 'other', value: Uint8Array.of(2) },
      { key: 'tag', value: Uint8Array.of(3) },
    ];
    expect(headersOnRecord(incoming)).toEqual([
      ['tag', '01'],
      ['other', '02'],
      ['tag', '03'],
    ]);
    expect(headersOnRecord([{ key: 'k', value: 'text' }])).toEqual([['k', Buffer.from('text').toString('hex')]]);
  });

  it('allow an empty key and an empty value, as Kafka does', () => {
    expect(headersOnRecord({ '': '' })).toEqual([['', '']]);
  });

  it("take null as Kafka's null header value, distinct from an empty one, in both forms", () => {
    expect(headersOnRecord({ gone: null, blank: '', tag: ['a', null] })).toEqual([
      ['gone', 'null'],
      ['blank', ''],
      ['tag', '61'],
      ['tag', 'null'],
    ]);
    expect(headersOnRecord([{ key: 'gone', value: null }])).toEqual([['gone', 'null']]);
  });

  it('write no header field when there are none: the record is byte for byte the one without headers', () => {
    const plain = kafkaEgressMessage({ egress: 'test/out', topic: 't', key: 'k', value: 'v' }).typedValue.value;
    for (const none of [{}, [], { tag: [] }] as KafkaHeaders[]) {
      const message = kafkaEgressMessage({ egress: 'test/out', topic: 't', key: 'k', value: 'v', headers: none });
      expect(Buffer.from(message.typedValue.value).equals(Buffer.from(plain))).toBe(true);
    }
    expect(headersOnRecord(undefined)).toBeUndefined();
  });

  it('are read back as the same values', () => {
    const pb = toPbHeaders({ a: 'x', b: ['y', 'z'] }, WHERE);
    expect(pb?.map(({ key, value }) => `${key}=${text(value)}`)).toEqual(['a=x', 'b=y', 'b=z']);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'trace-id=1'],
    ['a Map', new Map([['k', 'v']])],
    ['a number value', { retries: 3 }],
    ['an undefined value', { trace: undefined }],
    ['an object value', { trace: { id: 1 } }],
    ['a number in a repeated key', { tag: ['a', 2] }],
    ['a list entry without a key', [{ value: 'v' }]],
    ['a list entry with a number key', [{ key: 1, value: 'v' }]],
    ['a list entry with a number value', [{ key: 'k', value: 1 }]],
    ['a list entry with an undefined value', [{ key: 'k', value: undefined }]],
    ['a list entry that is a string', ['k=v']],
  ])('reject %s with KF_INVALID_MESSAGE', (_name, headers) => {
    const error = expectThrowsCode(
      () => kafkaEgressMessage({ egress: 'test/out', topic: 't', value: 'v', headers: headers as KafkaHeaders }),
      SdkErrorCodes.INVALID_MESSAGE,
    );
    expect(error.retryable).toBe(false);
  });
});
