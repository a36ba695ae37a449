import { KAFKA_PRODUCER_RECORD_TYPENAME, decodeKafkaProducerRecord, encodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import type { EgressRecord } from '../egress/egress-record';
import { decodePendingEgress, encodePendingEgress } from './pending-egress-codec';

describe('pending egress codec', () => {
  it("keeps a Kafka record's headers: it stores the record's bytes as the function sent them", () => {
    const headers = [
      { key: 'tag', value: Uint8Array.of(0x61) },
      { key: 'tag', value: Uint8Array.of(0xff, 0x00) },
    ];
    const record: EgressRecord = {
      egress: 'test/kafka',
      value: {
        typename: KAFKA_PRODUCER_RECORD_TYPENAME,
        hasValue: true,
        value: encodeKafkaProducerRecord({ topic: 't', key: 'k', valueBytes: Uint8Array.of(1), headers }),
      },
    };
    const decoded = decodePendingEgress(encodePendingEgress(new Map([['test/kafka', [record]]])));
    expect(decoded).toEqual(new Map([['test/kafka', [record]]]));
    const stored = decoded.get('test/kafka')?.[0];
    expect(stored && decodeKafkaProducerRecord(stored.value.value).headers).toEqual(headers);
  });

  it("keeps a record's trace, and reads what versions before traces wrote", () => {
    const traced: EgressRecord = {
      egress: 'test/out',
      value: { typename: 'io.statefun.types/string', hasValue: true, value: Uint8Array.of(1, 2) },
      trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true },
    };
    const plain: EgressRecord = { egress: 'test/out', value: { typename: 'io.statefun.types/string', hasValue: false, value: new Uint8Array() } };
    expect(decodePendingEgress(encodePendingEgress(new Map([['test/out', [traced, plain]]])))).toEqual(new Map([['test/out', [traced, plain]]]));
    // Before traces: count 1, egress, count 1, typename, flag byte 1, value bytes.
    const old = Buffer.from([1, 8, ...Buffer.from('test/out'), 1, 1, 0x61, 1, 1, 0x07]);
    expect(decodePendingEgress(old)).toEqual(new Map([['test/out', [{ egress: 'test/out', value: { typename: 'a', hasValue: true, value: Uint8Array.of(7) } }]]]));
  });
});
