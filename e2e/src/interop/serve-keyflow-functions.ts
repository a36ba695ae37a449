// The interop workload with Keyflow's sdk as a remote function service:
// serve-keyflow-functions.ts <namespace> <port>; prints `serving` once it listens.
import { serveHttp, silentLogger } from '@keyflow/sdk';
import { interopFunctions } from './keyflow-functions';

const server = serveHttp(interopFunctions(String(process.argv[2])), { port: Number(process.argv[3]), host: '127.0.0.1', logger: silentLogger });
void server.listening.then(() => process.stdout.write('serving\n'));
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
