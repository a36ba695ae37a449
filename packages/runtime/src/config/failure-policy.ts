import { isKeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

/**
 * What the dispatcher does when a batch fails: the function threw, its service answered with an
 * error or an invalid response, or could not be reached within the call timeout.
 *
 * It sends the batch again, with a growing pause, for `retryForMs`. After that, `park` takes the
 * messages one by one to find the one that keeps failing, puts it aside (durably, with the
 * checkpoint: see `keyflow messages`) and goes on with the address's next message; `stop` stops
 * the runtime, as StateFun does.
 */
export interface FailurePolicy {
  readonly retryForMs: number;
  readonly then: 'park' | 'stop';
}

/** Retry for a minute, then park: a poison message never stops the runtime and is never dropped. */
export const DEFAULT_FAILURE_POLICY: FailurePolicy = { retryForMs: 60_000, then: 'park' };

/** The pause before the `failures`-th attempt again: 100 ms doubling up to 5 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(failures - 1, 6));
}

/**
 * True for failures of an invocation (the policy applies); false for failures of the runtime
 * itself (its state backend, a function type no endpoint serves), which stop it as before.
 */
export function isInvocationFailure(error: unknown): boolean {
  return !isKeyflowError(error, RuntimeErrorCodes.STATE_BACKEND_FAILED) && !isKeyflowError(error, RuntimeErrorCodes.NO_ENDPOINT) && !isKeyflowError(error, RuntimeErrorCodes.STATE_CORRUPT);
}
