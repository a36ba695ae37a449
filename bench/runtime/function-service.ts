// The bench functions as an HTTP function service, in its own process: `<port>` as argument.
import { serveHttp, silentLogger } from '@keyflow/sdk';
import { functions } from './bench-functions';

const server = serveHttp(functions, { port: Number(process.argv[2] ?? 0), host: '127.0.0.1', logger: silentLogger });
void server.listening.then((address) => {
  process.stdout.write(`${JSON.stringify(address)}\n`);
});
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
