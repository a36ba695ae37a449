// The example functions as a remote function service: an HTTP server that any StateFun-protocol
// runtime (Keyflow in remote mode, or an Apache Flink StateFun cluster) can call. It serves the
// generated registry, so a function added with `nx g @keyflow/codegen:function` is served too.
import { serveHttp } from '@keyflow/sdk';
import { functions, typenames } from './generated/functions.generated';

const port = Number(process.env['PORT'] ?? 8000);
const server = serveHttp(functions, { port, host: process.env['HOST'] ?? '127.0.0.1' });

server.listening
  .then((address) => {
    const where = typeof address === 'string' ? address : `http://${address.address}:${address.port}`;
    console.log(`Keyflow example functions ${typenames.join(', ')} are serving StateFun's protocol at ${where}/statefun`);
  })
  .catch(() => process.exit(1));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
