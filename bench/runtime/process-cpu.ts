import { readFileSync } from 'node:fs';

// CPU time of another process, for the benchmarks' "CPU per request" figures. Linux only: it
// reads utime and stime from /proc/<pid>/stat, in clock ticks of 10 ms (USER_HZ is 100 on every
// Linux build Node supports). Elsewhere it reports nothing.

const MICROS_PER_TICK = 10_000;

/** User plus system CPU time of process `pid` in microseconds, or undefined where unknown. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces; the fields after it follow its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return undefined;
  }
}

/** This process's user plus system CPU time in microseconds (all threads). */
export function ownCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
