// What both implementations of the differential functions share: typenames, value shapes and
// constants. The logic itself is written twice, once per SDK (keyflow-functions.ts and
// official-functions.ts); keep the two in step, branch for branch.

/** The function with five state values of every kind the official JS SDK knows. */
export const ACCOUNT = 'kf.diff/account';
/** A small second function, so batches address more than one function type. */
export const ECHO = 'kf.diff/echo';

export const KAFKA_EGRESS = 'kf.diff/kafka';
export const KINESIS_EGRESS = 'kf.diff/kinesis';

/** JSON state of the account. */
export const PROFILE_TYPENAME = 'kf.diff/Profile';
export interface Profile {
  visits: number;
  tags: string[];
}

/** JSON commands an account understands. */
export const COMMAND_TYPENAME = 'kf.diff/Command';
export type Command =
  | { op: 'visit'; tag: string }
  | { op: 'reset' }
  | { op: 'fanout'; ids: string[] }
  | { op: 'delay'; ms: number; token?: string }
  | { op: 'cancel'; token: string }
  | { op: 'egress'; topic: string; key?: string }
  | { op: 'noop'; note: string };

/** State declarations, in declaration order (the order of mutations and missing specs). */
export const ACCOUNT_STATES = {
  count: { expireAfterCall: 60_000 },
  label: { expireAfterWrite: 3_600_000 },
  flag: {},
  ratio: {},
  profile: {},
} as const;
export const ECHO_STATES = { seen: { expireAfterWrite: 10_000 } } as const;

/** Delays derived from message content stay below this many milliseconds. */
export const MAX_DELAY_MS = 86_400_000;
