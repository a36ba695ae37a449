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
 * `clients` clients, each with its own keep-alive connection and address, POST one request
 * after another with `Prefer: wait` for `durationMs` and time each request to its reply.
 */
export async function runLoad(port: number, clients: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const status = await post(agent, port, `/counter/k${client}`);
        if (status === 200) latencies.push(performance.now() - sent);
        else failures++;
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
