// Timing helpers shared by the measuring processes.

/** How long to warm up and how to time: `rounds` rounds of `roundMs` each, median reported. */
export interface TimingOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly roundMs: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmupMs: 1500, rounds: 9, roundMs: 400 };
export const QUICK_TIMING: TimingOptions = { warmupMs: 300, rounds: 3, roundMs: 200 };

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Calls `step` back to back for `durationMs`; returns calls per second. */
export async function callsPerSecond(step: () => Promise<unknown>, durationMs: number, chunk: number): Promise<number> {
  const start = nowMs();
  const deadline = start + durationMs;
  let calls = 0;
  let now = start;
  do {
    for (let index = 0; index < chunk; index++) await step();
    calls += chunk;
    now = nowMs();
  } while (now < deadline);
  return (calls * 1000) / (now - start);
}
