import { KeyflowError } from '@keyflow/sdk';
import type { DispatchTarget, DispatchTargets } from '../endpoints/dispatch-target';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { FunctionEndpoint } from '../endpoints/function-endpoint';

/** Dispatch targets from a fixed table of typenames; others throw `KF_NO_ENDPOINT`, as the router does. */
export class FakeDispatchTargets implements DispatchTargets {
  readonly #targets = new Map<string, DispatchTarget>();
  /** Every typename asked for, in order (repeats included). */
  readonly lookups: string[] = [];

  add(typename: string, endpoint: FunctionEndpoint, maxBatchSize = 1_000): this {
    this.#targets.set(typename, { endpoint, maxBatchSize });
    return this;
  }

  targetFor(typename: string): DispatchTarget {
    this.lookups.push(typename);
    const target = this.#targets.get(typename);
    if (!target) throw new KeyflowError(RuntimeErrorCodes.NO_ENDPOINT, `No endpoint serves ${typename} (test targets).`);
    return target;
  }
}
