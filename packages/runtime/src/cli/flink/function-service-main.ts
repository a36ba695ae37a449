// The function service that `keyflow flink up --functions <registry>` starts: serves every
// function of a registry module over StateFun's HTTP protocol, in its own process.
//   node function-service-main.js <registry module> <port>
import { resolve } from 'node:path';
import { serveHttp, type FunctionClass } from '@keyflow/sdk';

async function main(registryPath: string, port: number): Promise<void> {
  // A registry module is loaded by path at run time (TypeScript ones through tsx, which the
  // parent process registers with --require).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const registry = require(resolve(registryPath)) as { functions?: unknown };
  const functions = registry.functions;
  if (!Array.isArray(functions) || functions.length === 0) {
    throw new Error(`[KF_FLINK_FUNCTIONS_FAILED] ${registryPath} exports no 'functions' array; pass the generated registry (src/generated/functions.generated.ts).`);
  }
  const server = serveHttp(functions as FunctionClass[], { port, host: '127.0.0.1' });
  const address = await server.listening;
  const bound = typeof address === 'string' ? address : `http://127.0.0.1:${address.port}/statefun`;
  process.stdout.write(`KEYFLOW_FUNCTIONS_URL=${bound}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}

main(process.argv[2] ?? '', Number(process.argv[3] ?? 0)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
