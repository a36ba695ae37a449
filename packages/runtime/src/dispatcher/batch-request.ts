import {
  type PbAddress,
  type PbInvocationBatchRequest,
  type PbPersistedValue,
  type PbValueSpec,
} from '@keyflow/sdk/protocol';
import type { AddressState } from '../state/address-state';
import { isExpired } from '../state/time-to-live';
import type { Envelope } from '../message/envelope';

const EMPTY = new Uint8Array(0);

/** A batch request ready to send, and what building it found expired. */
export interface PreparedBatch {
  readonly request: PbInvocationBatchRequest;
  /** State names whose values expired: they were sent as absent and must be deleted. */
  readonly expired: readonly string[];
}

/**
 * Builds the request for a batch: every registered state value attached (absent ones with
 * `has_value` false), expired values withheld, the envelopes as invocations in order.
 */
export function prepareBatch(
  target: PbAddress,
  specs: readonly PbValueSpec[],
  state: AddressState | null,
  envelopes: readonly Envelope[],
  now: number,
): PreparedBatch {
  const expired: string[] = [];
  const persisted: PbPersistedValue[] = [];
  for (const spec of specs) {
    const stored = state?.get(spec.stateName);
    if (stored && isExpired(spec, stored, now)) expired.push(spec.stateName);
    const visible = stored && !isExpired(spec, stored, now) ? stored : undefined;
    persisted.push({
      stateName: spec.stateName,
      stateValue: visible
        ? { typename: visible.typename, hasValue: true, value: visible.value }
        : { typename: spec.typeTypename, hasValue: false, value: EMPTY },
    });
  }
  return {
    request: {
      target,
      state: persisted,
      // An envelope is an invocation (caller, argument, Kafka headers) with a target: sent as it is.
      invocations: envelopes as Envelope[],
    },
    expired,
  };
}
