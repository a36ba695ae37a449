import type { EgressRecord } from '../egress/egress-record';
import type { PendingEgress } from '../egress/egress-router';
import { ByteReader, ByteWriter } from '../message/binary-codec';

/** Encodes the exactly-once egress records of one checkpoint. */
export function encodePendingEgress(pending: PendingEgress): Buffer {
  const writer = new ByteWriter(256);
  writer.varint(pending.size);
  for (const [egress, records] of pending) {
    writer.string(egress).varint(records.length);
    for (const record of records) {
      writer.string(record.value.typename).uint8(record.value.hasValue ? 1 : 0).bytes(record.value.value);
    }
  }
  return writer.finish();
}

export function decodePendingEgress(bytes: Uint8Array): PendingEgress {
  const reader = new ByteReader(bytes);
  const pending = new Map<string, EgressRecord[]>();
  const groups = reader.varint();
  for (let group = 0; group < groups; group++) {
    const egress = reader.string();
    const count = reader.varint();
    const records: EgressRecord[] = [];
    for (let index = 0; index < count; index++) {
      const typename = reader.string();
      const hasValue = reader.uint8() === 1;
      records.push({ egress, value: { typename, hasValue, value: reader.bytes() } });
    }
    pending.set(egress, records);
  }
  return pending;
}
