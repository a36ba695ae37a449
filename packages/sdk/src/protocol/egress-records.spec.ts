import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  decodeKafkaProducerRecord,
  decodeKinesisEgressRecord,
  encodeKafkaProducerRecord,
  encodeKinesisEgressRecord,
  type PbKafkaProducerRecord,
} from '@keyflow/sdk/protocol';
import { KafkaProducerRecordSchema } from '../generated/io/statefun/sdk/egress/kafka-egress_pb';
import { KinesisEgressRecordSchema } from '../generated/io/statefun/sdk/egress/kinesis-egress_pb';
import { fromHex, hex } from '../test-support/hex';
import { referenceHeader } from '../test-support/reference-messages';
import { PROPERTY_SEED, arbitraryHeaders } from '../test-support/wire-arbitraries';

const RUNS = { seed: PROPERTY_SEED, numRuns: 200 };
const text = fc.string({ unit: 'grapheme', maxLength: 16 });
const bytes = fc.uint8Array({ maxLength: 32 });

describe('Kafka producer records', () => {
  it('use the typename StateFun expects', () => {
    expect(KAFKA_PRODUCER_RECORD_TYPENAME).toBe('type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord');
    expect(`type.googleapis.com/${KafkaProducerRecordSchema.typeName}`).toBe(KAFKA_PRODUCER_RECORD_TYPENAME);
  });

  it('pin the field numbers: key = 1, value_bytes = 2, topic = 3', () => {
    const record = { key: 'k', valueBytes: Uint8Array.of(0xab), topic: 't' };
    const fixture = '0a 01 6b 12 01 ab 1a 01 74';
    expect(hex(encodeKafkaProducerRecord(record))).toBe(hex(fromHex(fixture)));
    expect(decodeKafkaProducerRecord(fromHex(fixture))).toEqual(record);
  });

  it('pin the headers: headers = 4, Header{key = 1, value = 2, has_value = 3}, in order, a null value without has_value', () => {
    const record = {
      key: 'k',
      valueBytes: Uint8Array.of(0xab),
      topic: 't',
      headers: [
        { key: 'h', value: Uint8Array.of(0x31) },
        { key: 'h', value: Uint8Array.of(0xff, 0x00) },
        { key: 'n', value: null },
      ],
    };
    const fixture = '0a 01 6b 12 01 ab 1a 01 74  22 08 0a 01 68 12 01 31 18 01  22 09 0a 01 68 12 02 ff 00 18 01  22 03 0a 01 6e';
    expect(hex(encodeKafkaProducerRecord(record))).toBe(hex(fromHex(fixture)));
    expect(hex(toBinary(KafkaProducerRecordSchema, create(KafkaProducerRecordSchema, referenceRecord(record))))).toBe(hex(fromHex(fixture)));
    expect(decodeKafkaProducerRecord(fromHex(fixture))).toEqual(record);
  });

  it("still read Keyflow's earlier header layout (field 1000, io.keyflow.sdk.Header, no nulls), for one release", () => {
    const legacy = '0a 01 6b 12 01 ab 1a 01 74  c2 3e 06 0a 01 68 12 01 31  c2 3e 07 0a 01 68 12 02 ff 00';
    expect(decodeKafkaProducerRecord(fromHex(legacy))).toEqual({
      key: 'k',
      valueBytes: Uint8Array.of(0xab),
      topic: 't',
      headers: [
        { key: 'h', value: Uint8Array.of(0x31) },
        { key: 'h', value: Uint8Array.of(0xff, 0x00) },
      ],
    });
  });

  it('write no header field for absent or empty headers, and decode none as absent', () => {
    const plain = { key: 'k', valueBytes: Uint8Array.of(0xab), topic: 't' };
    expect(hex(encodeKafkaProducerRecord({ ...plain, headers: [] }))).toBe('0a016b1201ab1a0174');
    expect(Object.keys(decodeKafkaProducerRecord(encodeKafkaProducerRecord(plain)))).toEqual(['key', 'valueBytes', 'topic']);
  });

  it('encode like protobuf-es and decode what it writes, for random records', () => {
    fc.assert(
      fc.property(
        fc.record({ key: text, valueBytes: bytes, topic: text, headers: arbitraryHeaders }, { requiredKeys: ['key', 'valueBytes', 'topic'] }),
        (record) => {
          const reference = toBinary(KafkaProducerRecordSchema, create(KafkaProducerRecordSchema, referenceRecord(record)));
          expect(hex(encodeKafkaProducerRecord(record))).toBe(hex(reference));
          expect(decodeKafkaProducerRecord(reference)).toEqual(record);
        },
      ),
      RUNS,
    );
  });
});

describe('Kinesis egress records', () => {
  it('use the typename StateFun expects', () => {
    expect(KINESIS_EGRESS_RECORD_TYPENAME).toBe('type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord');
    expect(`type.googleapis.com/${KinesisEgressRecordSchema.typeName}`).toBe(KINESIS_EGRESS_RECORD_TYPENAME);
  });

  it('pin the field numbers: partition_key = 1, value_bytes = 2, stream = 3, explicit_hash_key = 4', () => {
    const record = { partitionKey: 'p', valueBytes: Uint8Array.of(0xab), stream: 's', explicitHashKey: 'h' };
    const fixture = '0a 01 70 12 01 ab 1a 01 73 22 01 68';
    expect(hex(encodeKinesisEgressRecord(record))).toBe(hex(fromHex(fixture)));
    expect(decodeKinesisEgressRecord(fromHex(fixture))).toEqual(record);
  });

  it('encode like protobuf-es and decode what it writes, for random records', () => {
    fc.assert(
      fc.property(
        fc.record({ partitionKey: text, valueBytes: bytes, stream: text, explicitHashKey: text }),
        (record) => {
          const reference = toBinary(KinesisEgressRecordSchema, create(KinesisEgressRecordSchema, record));
          expect(hex(encodeKinesisEgressRecord(record))).toBe(hex(reference));
          expect(decodeKinesisEgressRecord(reference)).toEqual(record);
        },
      ),
      RUNS,
    );
  });
});

/** A record as the reference schema takes it: a header's null value is has_value = false. */
function referenceRecord(record: PbKafkaProducerRecord) {
  return { ...record, headers: (record.headers ?? []).map(referenceHeader) };
}
