import { PbExpireMode, PbMutationType, type PbStateMutation, type PbValueSpec } from '@keyflow/sdk/protocol';
import type { AddressState, StoredValue } from '../state/address-state';

/**
 * The state of an address after a response: expired values removed, mutations applied,
 * after-invoke timestamps refreshed. Returns `undefined` when nothing changed. `state` is
 * copied unless `inPlace` says that nothing else holds it.
 */
export function applyStateMutations(
  state: AddressState | null,
  specs: readonly PbValueSpec[],
  mutations: readonly PbStateMutation[],
  expired: readonly string[],
  now: number,
  inPlace = false,
): AddressState | null | undefined {
  const touchesOnInvoke = specs.some((spec) => spec.expirationSpec?.mode === PbExpireMode.AFTER_INVOKE);
  if (mutations.length === 0 && expired.length === 0 && !(touchesOnInvoke && state && state.size > 0)) {
    return undefined;
  }
  const next = inPlace && state !== null ? (state as Map<string, StoredValue>) : new Map<string, StoredValue>(state ?? []);
  for (const name of expired) next.delete(name);
  for (const mutation of mutations) {
    if (mutation.mutationType === PbMutationType.MODIFY && mutation.stateValue) {
      const { typename, value } = mutation.stateValue;
      next.set(mutation.stateName, { typename, value, writtenAt: now, accessedAt: now });
    } else {
      next.delete(mutation.stateName);
    }
  }
  if (touchesOnInvoke) {
    for (const spec of specs) {
      if (spec.expirationSpec?.mode !== PbExpireMode.AFTER_INVOKE) continue;
      const stored = next.get(spec.stateName);
      if (stored && stored.accessedAt !== now) next.set(spec.stateName, { ...stored, accessedAt: now });
    }
  }
  return next.size === 0 ? null : next;
}
