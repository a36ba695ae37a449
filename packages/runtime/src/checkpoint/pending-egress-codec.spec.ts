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
});
