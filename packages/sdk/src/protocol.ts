// '@keyflow/sdk/protocol': StateFun's request-reply protocol as plain objects and codecs, for
// runtimes and tools. Function authors need only '@keyflow/sdk'.

export { decodeToFunction, encodeToFunction } from './protocol/to-function-codec';
export { decodeFromFunction, encodeFromFunction } from './protocol/from-function-codec';
export {
  KAFKA_PRODUCER_RECORD_TYPENAME,
  KINESIS_EGRESS_RECORD_TYPENAME,
  decodeKafkaProducerRecord,
  decodeKinesisEgressRecord,
  encodeKafkaProducerRecord,
  encodeKinesisEgressRecord,
} from './protocol/egress-records';
export type { PbKafkaProducerRecord, PbKinesisEgressRecord } from './protocol/egress-records';
export {
  REPLY_TYPENAME,
  REQUEST_TYPENAME,
  SCHEDULE_TICK_TYPENAME,
  decodeReplyEnvelope,
  decodeRequestEnvelope,
  decodeScheduleTick,
  encodeReplyEnvelope,
  encodeRequestEnvelope,
  encodeScheduleTick,
} from './protocol/keyflow-envelopes';
export type { PbReplyEnvelope, PbRequestEnvelope, PbScheduleTick } from './protocol/keyflow-envelopes';
export { SCHEDULES_STATE_NAME, SCHEDULES_STATE_TYPENAME } from './schedule/schedule-table';
export { PbExpireMode, PbMutationType } from './protocol/wire-types';
export type {
  PbAddress,
  PbDelayedInvocation,
  PbEffectCounts,
  PbEgressMessage,
  PbExpirationSpec,
  PbFromFunction,
  PbHeader,
  PbInvocation,
  PbInvocationBatchRequest,
  PbInvocationResponse,
  PbOutgoingMessage,
  PbPersistedValue,
  PbStateMutation,
  PbTypedValue,
  PbValueSpec,
} from './protocol/wire-types';
export {
  LIST_STATE_TYPENAME,
  MAP_STATE_TYPENAME,
  decodeListStateValue,
  decodeMapStateValue,
  encodeListStateValue,
  encodeMapStateValue,
} from './protocol/collection-values';
export type { PbListStateValue, PbMapStateValue, StoredMapEntry } from './protocol/collection-values';
export { createBatchHandler, createInlineBatchHandler } from './handler/request-handler';
export type { BatchHandler, InlineBatchHandler } from './handler/request-handler';
export { FunctionRegistry } from './handler/function-registry';
export type { FunctionDefinition } from './handler/function-registry';
export type {
  EntryExpiry,
  ListStateDefinition,
  MapStateDefinition,
  StateDefinition,
  ValueStateDefinition,
} from './state/state-definition';
export { fromPbAddress, toPbAddress } from './function/address';
export type {
  ListBacking,
  ListChanges,
  MapBacking,
  MapChanges,
  MaybePromise,
  StateBackings,
} from './state/state-backing';
export { DEFAULT_MAX_SIGNATURE_AGE_MS, MIN_SIGNING_SECRET_LENGTH, REQUEST_SIGNATURE_HEADER, signRequestBody, signatureProblem } from './http/request-signature';
export type { SigningKey } from './http/request-signature';
