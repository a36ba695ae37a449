// @keyflow/runtime/testing: what a test kit needs to run the runtime's own processing core
// (dispatcher, state store, timers, checkpoints and recovery) in process, on a clock it controls.

export { systemClock } from './clock/clock';
export type { Clock, ClockTimer } from './clock/clock';
export { assembleRuntimeCore } from './runtime/runtime-core';
export type { RuntimeCore, RuntimeCoreOptions } from './runtime/runtime-core';
export type { RecoveredCheckpoint } from './checkpoint/checkpoint-coordinator';
export { EndpointRouter } from './endpoints/endpoint-router';
export type { RoutedEndpoint } from './endpoints/endpoint-router';
export type { DispatchTarget, DispatchTargets } from './endpoints/dispatch-target';
