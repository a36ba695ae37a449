// Load generator for the HTTP measurement: keeps `concurrency` requests in flight over
// keep-alive connections, as a runtime does towards many addresses, one round at a time as
// main.ts asks (see round-protocol.ts).
//   argv: <port> <concurrency>

import { Agent, request } from 'node:http';
import { checkReply, payload } from './payloads';
import { serveRounds } from './round-protocol';

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

const port = Number(process.argv[2]);
const concurrency = Number(process.argv[3]);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency, noDelay: true });
const payloads = new Map<number, Uint8Array>();

serveRounds(async (size, ms) => {
  let body = payloads.get(size);
  if (!body) {
    body = payload(size);
    checkReply(await post(agent, port, body), size, 'server');
    payloads.set(size, body);
  }
  const request = body;
  return requestsPerSecond(() => post(agent, port, request), ms, concurrency);
});
