import { HttpConnection } from './http-connection';
import { percentile } from './latencies';

/** What one load phase measured. */
export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers other than 200 with the reply. */
  readonly failures: number;
  /** Requests sent late because the answer before them came after they were due (timed from when they were due). */
  readonly heldBack: number;
}

/**
 * `clients` clients, each with its own keep-alive connection and address, POST requests with
 * `Prefer: wait` for `durationMs` and time each request to its reply. Without `perSecond`, each
 * sends its next request as soon as it has the reply (as fast as the runtime answers). With
 * `perSecond`, together they send that many requests per second, each client on its own
 * schedule (one request every `clients / perSecond` seconds, phases spread). A request that the
 * runtime held back — the answer before it came after it was due — is timed from when it was
 * due, so a slow answer that delays the next request counts against the runtime (no coordinated
 * omission); any other is timed from when it was sent, as Node's timers (millisecond ticks on
 * the loop's cached clock) let it go up to a millisecond early or late, which is the load
 * generator's doing, not the runtime's.
 */
export async function runLoad(port: number, clients: number, durationMs: number, perSecond?: number): Promise<LoadResult> {
  const connections = await Promise.all(Array.from({ length: clients }, () => HttpConnection.open(port)));
  const latencies: number[] = [];
  let failures = 0;
  let heldBack = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const intervalMs = perSecond === undefined ? 0 : (clients / perSecond) * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let answered = 0;
      for (let due = started + (intervalMs * client) / clients; due < deadline; due += intervalMs) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const held = perSecond !== undefined && answered > due;
        if (held) heldBack++;
        const from = held ? due : performance.now();
        const status = await (connections[client] as HttpConnection).post(`/counter/k${client}`, 'Prefer: wait=10\r\n', 'x');
        answered = performance.now();
        if (status === 200) latencies.push(answered - from);
        else failures++;
        if (perSecond === undefined) due = answered;
      }
    }),
  );
  const elapsed = performance.now() - started;
  for (const connection of connections) connection.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
    heldBack,
  };
}
