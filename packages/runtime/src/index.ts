// The public API of @keyflow/runtime for its users. What kind authors need (ingress, egress
// and spec-reading types, Backoff) is in the `@keyflow/runtime/kinds` entry (kinds.ts).

export { KeyflowRuntime } from './runtime/keyflow-runtime';
export type { RuntimeOptions, RuntimeStats } from './runtime/keyflow-runtime';
export type { FailurePolicy } from './config/failure-policy';
export type { TracingOptions } from './tracing/runtime-tracing';
export type { ParkedMessage } from './dispatcher/parked-messages';
export { systemClock } from './clock/clock';
export type { Clock, ClockTimer } from './clock/clock';
export { AdminServer } from './admin/admin-server';
export type { AdminServerOptions } from './admin/admin-server';
export type { RuntimeMetrics } from './metrics/runtime-metrics';
export type { ObservedCheckpoint, RuntimeObserver } from './metrics/runtime-observer';
export type { EndpointStats } from './metrics/runtime-sources';

export { loadModule, parseModule } from './module/module-loader';
export type { ModuleLoadOptions } from './module/module-loader';
export { InvalidModuleError, formatModuleProblem } from './module/module-problem';
export type { ModuleProblem } from './module/module-problem';
export { ModuleKinds } from './module/kinds/module-kinds';
export { findKindPackages } from './module/kinds/kind-packages';
export type { KindPackage } from './module/kinds/kind-packages';
export type {
  DeliverySemantic,
  EmbeddedEndpointConfig,
  EndpointConfig,
  FileEgressConfig,
  FunctionPattern,
  HttpEndpointConfig,
  HttpIngressConfig,
  HttpIngressRoute,
  HttpIngressRouteFormat,
  KindRole,
  ModuleComponent,
  ModuleConfig,
  SidecarConfig,
  SourceLocation,
  TlsConfig,
  TransportConfig,
} from './config/module-config';

export type { FunctionEndpoint } from './endpoints/function-endpoint';
export { EmbeddedFunctionEndpoint } from './endpoints/embedded-endpoint';
export { HttpFunctionEndpoint } from './endpoints/http-endpoint';
export { SidecarProcess } from './sidecar/sidecar-process';

export type { EgressBacklogStats } from './egress/egress-backlog';
export { egressRecordToJson } from './egress/egress-record-json';
export type { EgressRecordJson } from './egress/egress-record-json';
export type { StateBackend } from './state/state-backend';
export { MemoryBackend } from './state/memory-backend';
export { RocksDbBackend } from './state/rocksdb-backend';
export type { CheckpointResult, SavepointResult } from './checkpoint/checkpoint-coordinator';
export type { CheckpointStorage } from './checkpoint/checkpoint-storage';
export { FolderCheckpointStorage } from './checkpoint/folder-storage';
export { S3CheckpointStorage } from './checkpoint/s3-storage';
export type { S3StorageOptions } from './checkpoint/s3-storage';
export { storageFromUri } from './checkpoint/storage-uri';
export { CheckpointErrorCodes } from './checkpoint/checkpoint-error-codes';
export { RuntimeErrorCodes } from './errors/runtime-error-codes';
