// `@keyflow/runtime/test-support`: the runtime's test helpers that other projects of this
// repository use too (connectors, testing, e2e). Workspace only: not built, not published.
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { freePort } from './raw-server';
