// Load generator for the HTTP measurement: keeps `concurrency` requests in flight over
// keep-alive connections, as a runtime does towards many addresses, and prints one JSON line of
// requests per second by batch size. Started by main.ts.
//   argv: <port> <concurrency> <timing JSON>

import { Agent, request } from 'node:http';
import { BATCH_SIZES, checkReply, payload } from './payloads';
import { median, parseTiming } from './timing';

export interface HttpResult {
  readonly requestsPerSecond: Record<number, number>;
}

function post(agent: Agent, port: number, body: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/statefun',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': body.byteLength },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode === 200) resolve(Buffer.concat(chunks));
          else reject(new Error(`HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString()}`));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function requestsPerSecond(send: () => Promise<unknown>, durationMs: number, concurrency: number): Promise<number> {
  const start = nowMs();
  const deadline = start + durationMs;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (nowMs() < deadline) {
      await send();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (done * 1000) / (nowMs() - start);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const concurrency = Number(process.argv[3]);
  const timing = parseTiming(process.argv[4]);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: HttpResult = { requestsPerSecond: {} };
  for (const size of BATCH_SIZES) {
    const body = payload(size);
    checkReply(await post(agent, port, body), size, 'server');
    const send = () => post(agent, port, body);
    await requestsPerSecond(send, timing.warmupMs, concurrency);
    const rounds: number[] = [];
    for (let round = 0; round < timing.rounds; round++) rounds.push(await requestsPerSecond(send, timing.roundMs, concurrency));
    result.requestsPerSecond[size] = median(rounds);
  }
  agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
