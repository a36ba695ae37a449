import type { PbFromFunction, PbInvocationBatchRequest, StateBackings } from '@keyflow/sdk/protocol';
import type { EndpointStats } from '../metrics/runtime-sources';

/**
 * Where the functions of some typenames are executed: in-process, in a sidecar, or remote.
 * Every mode speaks the same request-reply protocol; the dispatcher sees only this interface.
 */
export interface FunctionEndpoint {
  /** Where the functions are, for logs and errors, e.g. `http://fns:8000/statefun` or `embedded:./fns.ts`. */
  readonly description: string;
  /**
   * Runs one batch for one address. Transient failures are retried inside, within the call
   * timeout; the call fails only when it must be considered failed, with a `KeyflowError`
   * (`KF_ENDPOINT_UNREACHABLE`, `KF_ENDPOINT_FAILED`) naming address and endpoint. An endpoint
   * that can answer at once (in-process functions) may return the response, or throw, directly.
   */
  invoke(batch: PbInvocationBatchRequest, backings?: StateBackings): PbFromFunction | Promise<PbFromFunction>;
  /**
   * True when the functions take their list and map state as `backings` (entry by entry, read on
   * demand) with each batch; otherwise a list or map travels whole in its PersistedValue.
   */
  readonly takesStateBackings?: boolean;
  /**
   * True when its answers say where each invocation's effects begin (`invocationEffects`: an
   * in-process function of Keyflow's sdk); then a message in a recorded trace need not travel
   * alone for its effects to be told apart.
   */
  readonly reportsInvocationEffects?: boolean;
  /** Its calls' failures, retries and open connections, when it keeps them (remote endpoints). */
  stats?(): EndpointStats;
  /** Releases connections and processes. */
  close(): Promise<void>;
}
