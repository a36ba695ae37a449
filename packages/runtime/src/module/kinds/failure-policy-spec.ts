import { DEFAULT_FAILURE_POLICY, type FailurePolicy } from '../../config/failure-policy';
import type { SpecReader } from '../spec-reader';

/**
 * An endpoint's `onFailure` (Keyflow's addition): the failure policy of its functions, over the
 * runtime's (`--retry-failures-for`, `--on-failure`). Either key alone keeps the default of the other.
 *
 * ```yaml
 *   onFailure: { retryFor: 30s, then: park }   # or then: stop
 * ```
 */
export function readFailurePolicy(spec: SpecReader): FailurePolicy | undefined {
  const onFailure = spec.optionalObject('onFailure');
  if (onFailure === undefined) return undefined;
  return {
    retryForMs: onFailure.optionalDuration('retryFor', { min: 0 }) ?? DEFAULT_FAILURE_POLICY.retryForMs,
    then: onFailure.optionalEnumOf('then', ['park', 'stop'] as const) ?? DEFAULT_FAILURE_POLICY.then,
  };
}
