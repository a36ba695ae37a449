// Serves the benchmarked function over HTTP on a free loopback port with one SDK, prints
// {"port": n}, and runs until its stdin closes. Started by main.ts.
//   argv: <keyflow|official>

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveHttp, silentLogger } from '@keyflow/sdk';
import { StateFun } from 'apache-flink-statefun';
import { Counter, officialCounter, type SdkName } from './counter-functions';

async function start(sdk: SdkName): Promise<Server> {
  if (sdk === 'keyflow') {
    const served = serveHttp([Counter], { port: 0, host: '127.0.0.1', logger: silentLogger });
    await served.listening;
    return served.server;
  }
  const statefun = new StateFun();
  statefun.bind(officialCounter);
  const handler = statefun.handler();
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

start(process.argv[2] as SdkName)
  .then((server) => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
