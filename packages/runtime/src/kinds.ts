// The entry of @keyflow/runtime for kind authors (`@keyflow/runtime/kinds`): how a package
// declares module.yaml kinds and the components they build. Users of the runtime need only
// the main entry.

export type { EgressKind, EndpointKind, EndpointKindConfig, IngressKind, Kind, KindContext, SidecarKind } from './module/kinds/kind';
export { SpecReader } from './module/spec-reader';
export type { DeliverySemantic, FunctionPattern, KindRole, SourceLocation } from './config/module-config';
export type { RoutedEndpoint } from './endpoints/endpoint-router';
export type { FunctionEndpoint } from './endpoints/function-endpoint';
export type { Envelope } from './message/envelope';
export type { Ingress, IngressCheckpoint, IngressContext } from './ingress/ingress';
export type { EgressSink } from './egress/egress-sink';
export type { StreamingDeliverySemantic, StreamingEgressSink } from './egress/streaming-egress-sink';
export type { TransactionalEgressSink } from './egress/transactional-egress-sink';
export type { EgressRecord } from './egress/egress-record';
export type { BackendOp } from './state/state-backend';
export { Backoff, backoffDelayMs } from './retry/retry-backoff';
export type { RuntimeTracing, TracedStep } from './tracing/runtime-tracing';
export { TRACEPARENT, traceParentOf, withTraceParent, type TraceParent } from './tracing/trace-parent';
