// Reads FromFunction bytes with the protobuf-es generated schema into a plain form that jest can
// compare and diff. Nothing is normalized away: every field of the reply is kept, in order.
// Kafka and Kinesis egress records are decoded as well, so that they too are compared field by
// field rather than as opaque bytes.

import { fromBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import { KafkaProducerRecordSchema } from '../../src/generated/io/statefun/sdk/egress/kafka-egress_pb';
import { KinesisEgressRecordSchema } from '../../src/generated/io/statefun/sdk/egress/kinesis-egress_pb';
import {
  FromFunctionSchema,
  FromFunction_PersistedValueMutation_MutationType as MutationType,
  type FromFunction,
} from '../../src/generated/io/statefun/sdk/reqreply/request-reply_pb';

const KAFKA_RECORD = 'type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord';
const KINESIS_RECORD = 'type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord';

/** The reply decoded by protobuf-es. */
export function decodeReply(bytes: Uint8Array): FromFunction {
  return fromBinary(FromFunctionSchema, bytes);
}

/** The reply as JSON (proto3 JSON mapping), with egress records opened up. */
export function comparableReply(bytes: Uint8Array): JsonValue {
  const reply = decodeReply(bytes);
  const json = toJson(FromFunctionSchema, reply) as { invocationResult?: { outgoingEgresses?: JsonValue[] } };
  if (reply.response.case === 'invocationResult' && json.invocationResult?.outgoingEgresses) {
    json.invocationResult.outgoingEgresses = reply.response.value.outgoingEgresses.map((egress, index) => {
      const argument = egress.argument;
      const plain = (json.invocationResult?.outgoingEgresses ?? [])[index] as { [key: string]: JsonValue };
      if (argument?.typename === KAFKA_RECORD) {
        return { ...plain, kafkaRecord: toJson(KafkaProducerRecordSchema, fromBinary(KafkaProducerRecordSchema, argument.value)) };
      }
      if (argument?.typename === KINESIS_RECORD) {
        return { ...plain, kinesisRecord: toJson(KinesisEgressRecordSchema, fromBinary(KinesisEgressRecordSchema, argument.value)) };
      }
      return plain;
    });
  }
  return json;
}

/** What kinds of effects a reply carries, for the coverage statistics of the test. */
export interface ReplyCensus {
  modify: number;
  delete: number;
  outgoing: number;
  delayed: number;
  delayedWithToken: number;
  cancellations: number;
  kafka: number;
  kinesis: number;
  missingValues: number;
}

export function emptyCensus(): ReplyCensus {
  return { modify: 0, delete: 0, outgoing: 0, delayed: 0, delayedWithToken: 0, cancellations: 0, kafka: 0, kinesis: 0, missingValues: 0 };
}

/** Adds the effects of `reply` to `census`. */
export function countEffects(census: ReplyCensus, reply: FromFunction): void {
  const response = reply.response;
  if (response.case === 'incompleteInvocationContext') {
    census.missingValues += response.value.missingValues.length;
    return;
  }
  if (response.case !== 'invocationResult') return;
  const result = response.value;
  for (const mutation of result.stateMutations) {
    if (mutation.mutationType === MutationType.MODIFY) census.modify++;
    else census.delete++;
  }
  census.outgoing += result.outgoingMessages.length;
  for (const delayed of result.delayedInvocations) {
    if (delayed.isCancellationRequest) census.cancellations++;
    else if (delayed.cancellationToken !== '') census.delayedWithToken++;
    else census.delayed++;
  }
  for (const egress of result.outgoingEgresses) {
    if (egress.argument?.typename === KAFKA_RECORD) census.kafka++;
    else if (egress.argument?.typename === KINESIS_RECORD) census.kinesis++;
  }
}
