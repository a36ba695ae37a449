// Keyflow's header extension (field 1000 of ToFunction.Invocation and of KafkaProducerRecord)
// is backward compatible: the official StateFun JS SDK (apache-flink-statefun), which does not
// know the field, skips it. A request whose invocations carry headers gets from the official SDK
// exactly the reply that the same request without headers gets, and Keyflow's handler answers it
// as the official SDK does; a KafkaProducerRecord with headers reads, with the official SDK's
// generated class, as the same record without them.

import { fromBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { handle as officialHandle } from 'apache-flink-statefun/dist/handler';
import { kafkaEgressMessage as officialKafkaEgressMessage } from 'apache-flink-statefun';
import * as officialKafkaEgressPb from 'apache-flink-statefun/dist/generated/kafka-egress_pb';
import { createRequestHandler, kafkaEgressMessage } from '@keyflow/sdk';
import { ToFunctionSchema } from '../../src/generated/io/statefun/sdk/reqreply/request-reply_pb';
import { arbitraryCase, encodeCase, type WireHeader } from './to-function-cases';
import { comparableReply } from './from-function-comparison';
import { keyflowFunctions } from './keyflow-functions';
import { officialFunctionIndex } from './official-functions';

const SEED = Number(process.env['KF_DIFF_SEED'] ?? 20_251_122);
const CASES = 300;

/** Headers as a Kafka record has them: a repeated key, a binary value, an empty key and value. */
const HEADERS: readonly WireHeader[] = [
  { key: 'trace-id', value: new Uint8Array(Buffer.from('4bf92f3577b34da6', 'utf8')) },
  { key: 'tag', value: Uint8Array.of(0xff, 0x00, 0xfe) },
  { key: 'tag', value: new Uint8Array(Buffer.from('second', 'utf8')) },
  { key: '', value: new Uint8Array(0) },
];

/** The official SDK's google-protobuf class for KafkaProducerRecord (its .d.ts declares nothing). */
interface OfficialKafkaProducerRecord {
  getKey(): string;
  getTopic(): string;
  getValueBytes_asU8(): Uint8Array;
}
const OfficialKafkaProducerRecord = (
  officialKafkaEgressPb as unknown as { KafkaProducerRecord: { deserializeBinary(bytes: Uint8Array): OfficialKafkaProducerRecord } }
).KafkaProducerRecord;

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };

async function outcomeOf(run: () => Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { ok: true, bytes: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('the header extension, read by the official StateFun JS SDK', () => {
  const officialFns = officialFunctionIndex();
  const keyflow = createRequestHandler(keyflowFunctions);

  it(`changes no reply of the official SDK, and Keyflow still answers as it does (${CASES} cases, seed ${SEED})`, async () => {
    const counts = { answered: 0, rejected: 0, withInvocations: 0 };
    for (const diffCase of fc.sample(arbitraryCase, { seed: SEED, numRuns: CASES })) {
      const plain = encodeCase(diffCase);
      const withHeaders = encodeCase(diffCase, HEADERS);
      if (diffCase.hasBatch && diffCase.invocations.length > 0) {
        // The request really carries the headers, once per invocation.
        counts.withInvocations++;
        const invocations = fromBinary(ToFunctionSchema, withHeaders).request.value?.invocations ?? [];
        expect(invocations.map((invocation) => invocation.headers.length)).toEqual(diffCase.invocations.map(() => HEADERS.length));
        expect(withHeaders.length).toBeGreaterThan(plain.length);
      }

      const officialPlain = await outcomeOf(() => officialHandle(plain, officialFns));
      const officialHeaders = await outcomeOf(() => officialHandle(withHeaders, officialFns));
      const ours = await outcomeOf(() => keyflow(withHeaders));
      expect(officialHeaders.ok).toBe(officialPlain.ok);
      expect(ours.ok).toBe(officialPlain.ok);
      if (officialPlain.ok && officialHeaders.ok && ours.ok) {
        expect(hex(officialHeaders.bytes)).toBe(hex(officialPlain.bytes));
        expect(comparableReply(ours.bytes)).toEqual(comparableReply(officialPlain.bytes));
        counts.answered++;
      } else {
        counts.rejected++;
      }
    }
    expect(counts.answered + counts.rejected).toBe(CASES);
    expect(counts.answered).toBeGreaterThan(CASES * 0.5);
    expect(counts.withInvocations).toBeGreaterThan(CASES * 0.9);
  });

  it("reads a Keyflow KafkaProducerRecord with headers as the same record without them, the official SDK's own bytes being a prefix", () => {
    const options = { topic: 'greetings', key: 'alice', value: 'hello alice' };
    const ours = kafkaEgressMessage({ egress: 'kf.diff/kafka', ...options, headers: { 'trace-id': 'abc', tag: ['x', 'y'] } });
    const official = officialKafkaEgressMessage({ typename: 'kf.diff/kafka', ...options });

    const record = OfficialKafkaProducerRecord.deserializeBinary(ours.typedValue.value);
    expect(record.getTopic()).toBe('greetings');
    expect(record.getKey()).toBe('alice');
    expect(Buffer.from(record.getValueBytes_asU8()).toString('utf8')).toBe('hello alice');

    // Headers only append fields: what the official SDK writes for the same record comes first.
    // Its TypedValue is a google-protobuf message whose type the official .d.ts leaves to a global.
    const officialBytes = (official.typedValue as unknown as { getValue_asU8(): Uint8Array }).getValue_asU8();
    expect(ours.typedValue.value.length).toBeGreaterThan(officialBytes.length);
    expect(hex(ours.typedValue.value.subarray(0, officialBytes.length))).toBe(hex(officialBytes));
  });
});
