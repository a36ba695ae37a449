import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { decodeToFunction } from '../protocol/to-function-codec';
import { encodeFromFunction } from '../protocol/from-function-codec';
import type { PbFromFunction, PbInvocationBatchRequest } from '../protocol/wire-types';
import type { StateBackings } from '../state/state-backing';
import { BatchInvoker } from './batch-invoker';
import { FunctionRegistry, type FunctionClass } from './function-registry';

/**
 * Turns `ToFunction` bytes into `FromFunction` bytes. Rejects with a `KeyflowError`:
 * `KF_PROTOCOL_MALFORMED`, `KF_BAD_REQUEST`, `KF_UNKNOWN_FUNCTION` or `KF_FUNCTION_FAILED`.
 */
export type RequestHandler = (toFunction: Uint8Array) => Promise<Uint8Array>;

/** Runs a decoded invocation batch, skipping the bytes. */
export type BatchHandler = (batch: PbInvocationBatchRequest) => Promise<PbFromFunction>;

/**
 * Runs a decoded invocation batch and answers synchronously when its functions are synchronous;
 * returns a promise only once a function returns one. Errors are thrown when they happen
 * synchronously. The runtime's embedded mode uses it to spare a promise per batch, and passes
 * `backings` bound to the batch's address so that lists and maps are read and written entry by
 * entry in its own storage instead of travelling whole in their PersistedValue.
 */
export type InlineBatchHandler = (batch: PbInvocationBatchRequest, backings?: StateBackings) => PbFromFunction | Promise<PbFromFunction>;

/** Options of the request handlers. */
export interface RequestHandlerOptions {
  /**
   * The clock schedules compute tick times and map entries their expiry with, in milliseconds
   * since the epoch; `Date.now` when left out. Tests pass a controllable one.
   */
  readonly clock?: () => number;
}

/**
 * The request-reply handler for a set of `@StatefulFunction` classes. Classes are validated
 * here: a bad typename, a duplicate, a `@ValueSpec` without a type throw at once.
 *
 * @example
 * const handle = createRequestHandler([Greeter]);
 * const fromFunction = await handle(toFunctionBytes);
 */
export function createRequestHandler(functions: readonly FunctionClass[], options: RequestHandlerOptions = {}): RequestHandler {
  const invoker = new BatchInvoker(new FunctionRegistry(functions), options.clock);
  return async (toFunction) => {
    const batch = decodeToFunction(toFunction);
    if (!batch) {
      throw new KeyflowError(SdkErrorCodes.BAD_REQUEST, 'The ToFunction message carries no invocation batch.');
    }
    const response = invoker.invoke(batch);
    return encodeFromFunction(response instanceof Promise ? await response : response);
  };
}

/** Like {@link createRequestHandler}, on decoded batches. */
export function createBatchHandler(functions: readonly FunctionClass[], options: RequestHandlerOptions = {}): BatchHandler {
  const invoker = new BatchInvoker(new FunctionRegistry(functions), options.clock);
  return async (batch) => invoker.invoke(batch);
}

/** Like {@link createBatchHandler}, answering synchronously where it can. */
export function createInlineBatchHandler(functions: readonly FunctionClass[], options: RequestHandlerOptions = {}): InlineBatchHandler {
  const invoker = new BatchInvoker(new FunctionRegistry(functions), options.clock);
  return (batch, backings) => invoker.invoke(batch, backings);
}
