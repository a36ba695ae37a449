import type { EgressRecord } from '../egress/egress-record';
import type { PendingEgress } from '../egress/egress-router';
import { ByteReader, ByteWriter } from '../message/binary-codec';
import { formatTraceParent, parseTraceParent } from '../tracing/trace-parent';

// Each record: typename, a flag byte (bit 0: it has a value; bit 1: a traceparent follows the
// value — versions before traces wrote 0 or 1 only), the value bytes, the traceparent.
const HAS_VALUE = 0b01;
const HAS_TRACE = 0b10;

/** Encodes the exactly-once egress records of one checkpoint. */
export function encodePendingEgress(pending: PendingEgress): Buffer {
  const writer = new ByteWriter(256);
  writer.varint(pending.size);
  for (const [egress, records] of pending) {
    writer.string(egress).varint(records.length);
    for (const record of records) {
      const flags = (record.value.hasValue ? HAS_VALUE : 0) | (record.trace === undefined ? 0 : HAS_TRACE);
      writer.string(record.value.typename).uint8(flags).bytes(record.value.value);
      if (record.trace !== undefined) writer.string(formatTraceParent(record.trace));
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
      const flags = reader.uint8();
      const value = { typename, hasValue: (flags & HAS_VALUE) !== 0, value: reader.bytes() };
      const trace = (flags & HAS_TRACE) === 0 ? undefined : parseTraceParent(reader.string());
      records.push(trace === undefined ? { egress, value } : { egress, value, trace });
    }
    pending.set(egress, records);
  }
  return pending;
}
