import { Agent, request } from 'node:http';
import { percentile } from './latencies';

/** What one load phase measured. */
export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers other than 200 with the reply. */
  readonly failures: number;
}

/**
 * `clients` clients, each with its own keep-alive connection and address, POST requests with
 * `Prefer: wait` for `durationMs` and time each request to its reply. Without `perSecond`, each
 * sends its next request as soon as it has the reply (as fast as the runtime answers). With
 * `perSecond`, together they send that many requests per second, each client on its own
 * schedule (one request every `clients / perSecond` seconds, phases spread); a request is timed
 * from when it was due, not from when it was sent, so that a slow answer that delays the next
 * request counts against the runtime (no coordinated omission).
 */
export async function runLoad(port: number, clients: number, durationMs: number, perSecond?: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const intervalMs = perSecond === undefined ? 0 : (clients / perSecond) * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let due = started + (intervalMs * client) / clients; due < deadline; due += intervalMs) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        // Late: timed from when it was due. Early (Node's timers run on the loop's cached clock): from when it was sent.
        const from = perSecond === undefined ? performance.now() : Math.min(due, performance.now());
        const status = await post(agent, port, `/counter/k${client}`);
        if (status === 200) latencies.push(performance.now() - from);
        else failures++;
        if (perSecond === undefined) due = performance.now();
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
  };
}

function post(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { Prefer: 'wait=10', 'Content-Length': 1 } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('x');
  });
}
