// The one entry of Keyflow's protocol test factories (`@keyflow/sdk/test-support`, resolved in this
// workspace only: it is not in the published package). Requests a runtime sends and replies a
// function gives, typed values, and the protobuf-es reference messages to check codecs against.

export { address, batch, toFunction, invocationResult, missingValues } from './wire-messages';
export type { InvocationInit, BatchInit } from './wire-messages';
export { BUILTIN_TYPENAMES, wrapped, unwrapped, typedValue, noValue, utf8 } from './typed-values';
export { referenceToFunction, referenceHeader, referenceFromFunction } from './reference-messages';
export {
  stringValue,
  intValue,
  textOf,
  argumentsOf,
  stateOf,
  fromFunction,
  incompleteContext,
  valueSpec,
  modify,
  remove,
  egressTo,
} from './function-replies';
export type { ResultInit } from './function-replies';
