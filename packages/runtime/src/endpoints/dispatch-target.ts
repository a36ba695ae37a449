import type { FailurePolicy } from '../config/failure-policy';
import type { FunctionEndpoint } from './function-endpoint';

/** Where the dispatcher sends the batches of one function type. */
export interface DispatchTarget {
  readonly endpoint: FunctionEndpoint;
  /** The most invocations in one batch for this function type. */
  readonly maxBatchSize: number;
  /** What to do with its batches that keep failing, when its endpoint says (else the runtime's). */
  readonly failurePolicy?: FailurePolicy | undefined;
}

/** Finds the endpoint of a function type; throws `KF_NO_ENDPOINT` when none serves it. */
export interface DispatchTargets {
  targetFor(typename: string): DispatchTarget;
}
