// Runs test functions through the public request handler, bytes in and bytes out.

import { createRequestHandler, type FunctionClass } from '@keyflow/sdk';
import type { PbInvocationResponse, PbValueSpec } from '../protocol/wire-types';
import { invocationResult, missingValues, toFunction, type BatchInit } from './wire-messages';

/** The FromFunction bytes that `functions` answer to the ToFunction built from `init`. */
export function invoke(functions: readonly FunctionClass[], init: BatchInit): Promise<Uint8Array> {
  return createRequestHandler(functions)(toFunction(init));
}

/** The effects of running one batch; fails the test if the reply is not an invocation result. */
export async function effectsOf(functions: readonly FunctionClass[], init: BatchInit): Promise<PbInvocationResponse> {
  return invocationResult(await invoke(functions, init));
}

/** The missing specs of one batch; fails the test if the reply is not an incomplete context. */
export async function missingSpecsOf(functions: readonly FunctionClass[], init: BatchInit): Promise<PbValueSpec[]> {
  return missingValues(await invoke(functions, init));
}

/** A value that must be defined for the test to go on. */
export function defined<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be defined`);
  return value;
}
