import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './latencies';

/** Latency of one append of `bytes` bytes followed by fdatasync, in milliseconds. */
export interface SyncLatency {
  readonly p50: number;
  readonly p99: number;
}

/**
 * The physical limit of a durable answer on this machine: appends of `bytes` bytes to a file in
 * `dir` (the state folder's file system), each followed by fdatasync, timed one by one.
 */
export function measureFdatasync(dir: string, bytes: number, count: number): SyncLatency {
  const fd = openSync(join(dir, 'fdatasync-anchor.bin'), 'a');
  const record = Buffer.alloc(bytes, 0x61);
  const latencies: number[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      writeSync(fd, record);
      fdatasyncSync(fd);
      latencies.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}
