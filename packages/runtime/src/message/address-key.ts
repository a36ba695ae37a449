import type { PbAddress } from '@keyflow/sdk/protocol';

// An address as one string, for maps and storage keys: `<namespace>/<type>` NUL `<id>`.
// NUL cannot occur in a typename, so the split is unambiguous whatever the id holds.

const SEPARATOR = '\u0000';

/** The key of an address. */
export function addressKey(address: PbAddress): string {
  return `${address.namespace}/${address.type}${SEPARATOR}${address.id}`;
}

/** The function typename part of an address key. */
export function typenameOfKey(key: string): string {
  return key.slice(0, key.indexOf(SEPARATOR));
}

/** `namespace/type/id`, for logs and error messages. */
export function describeAddress(address: PbAddress): string {
  return `${address.namespace}/${address.type}/${address.id}`;
}
