import { PbExpireMode, type PbValueSpec } from '@keyflow/sdk/protocol';
import type { StoredValue } from './address-state';

/** True when a value's (or a list's) time to live, per its spec, has passed. */
export function isExpired(spec: PbValueSpec, stored: Pick<StoredValue, 'writtenAt' | 'accessedAt'>, now: number): boolean {
  const expiration = spec.expirationSpec;
  if (!expiration || expiration.expireAfterMillis <= 0) return false;
  if (expiration.mode === PbExpireMode.AFTER_WRITE) return now - stored.writtenAt >= expiration.expireAfterMillis;
  if (expiration.mode === PbExpireMode.AFTER_INVOKE) return now - stored.accessedAt >= expiration.expireAfterMillis;
  return false;
}
