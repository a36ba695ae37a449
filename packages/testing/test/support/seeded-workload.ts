/** One message of the workload: an amount for an account. */
export interface WorkloadMessage {
  readonly account: string;
  readonly amount: string;
}

/** A deterministic workload from `seed` (mulberry32): `count` amounts over `accounts` accounts. */
export function seededWorkload(seed: number, count: number, accounts: number): WorkloadMessage[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Array.from({ length: count }, () => ({
    account: `acct-${Math.floor(next() * accounts)}`,
    amount: String(Math.floor(next() * 41) - 20),
  }));
}
