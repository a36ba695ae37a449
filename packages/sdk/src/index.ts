// The public API of @keyflow/sdk: write functions, serve them. Wire-level pieces for runtimes
// live in '@keyflow/sdk/protocol'.

export { StatefulFunction } from './decorators/stateful-function.decorator';
export { ValueSpec } from './decorators/value-spec.decorator';
export { getFunctionMetadata, getValueSpecs } from './decorators/function-metadata';
export type { FunctionMetadata, ValueSpecMetadata, ValueSpecOptions } from './decorators/function-metadata';
export { MapSpec } from './decorators/map-spec.decorator';
export { ListSpec } from './decorators/list-spec.decorator';
export { getCollectionSpecs } from './decorators/collection-metadata';
export type {
  CollectionSpecMetadata,
  ListSpecMetadata,
  ListSpecOptions,
  MapSpecMetadata,
  MapSpecOptions,
} from './decorators/collection-metadata';
export type { MapState } from './state/map-state';
export type { ListState } from './state/list-state';

export type { Address } from './function/address';
export type {
  Context,
  MessageSpec,
  RequestSpec,
  ScheduledMessage,
  StringMessageSpec,
  StringRequestSpec,
  StorageOf,
} from './function/context';
export { toMillis } from './function/duration';
export type { Duration } from './function/duration';
export { EgressMessage, egressMessage, kafkaEgressMessage, kinesisEgressMessage } from './function/egress-message';
export type { KafkaEgressOptions, KinesisEgressOptions } from './function/egress-message';
export type { KafkaHeaders, KafkaHeaderValue } from './function/kafka-headers';
export { Message } from './function/message';
export type { MessageHeader, ScheduleTickInfo } from './function/message';
export type { ScheduleSpec } from './schedule/schedule-rule';
export { parseTypename } from './function/typename';
export type { TypenameParts } from './function/typename';

export { Types } from './types/builtin-types';
export { customType, jsonType, protobufType } from './types/custom-types';
export type { Type, ValueOf } from './types/type';

export { createRequestHandler } from './handler/request-handler';
export type { RequestHandler, RequestHandlerOptions } from './handler/request-handler';
export type { FunctionClass } from './handler/function-registry';

export { createHttpRequestListener, DEFAULT_MAX_BODY_BYTES } from './http/request-listener';
export type { HttpListenerOptions } from './http/request-listener';
export { readRequestBody } from './http/read-request-body';
export { serveHttp } from './http/serve-http';
export type { FunctionHttpServer, ServeHttpOptions } from './http/serve-http';

export { KeyflowError, describeError, isKeyflowError } from './errors/keyflow-error';
export type { KeyflowErrorOptions } from './errors/keyflow-error';
export { SdkErrorCodes } from './errors/error-codes';
export { defineErrorCodes, isRetryableCode } from './errors/define-error-codes';
export type { ErrorCodeTableOptions } from './errors/define-error-codes';
export type { ErrorCode, ErrorCodeTables } from './errors/error-codes';

export { createLogger, silentLogger } from './logging/logger';
export type { LogFields, Logger, LoggerOptions, LogLevel } from './logging/logger';
