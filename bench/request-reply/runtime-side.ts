import { join } from 'node:path';
import { StatefulFunction, Types, ValueSpec, silentLogger, type Context } from '@keyflow/sdk';
import { KeyflowRuntime, parseModule } from '@keyflow/runtime';

// The runtime side of the request/reply benchmark, in its own process: `keyflow run`'s runtime
// with an HTTP ingress and one embedded function that counts per address and replies with the
// count. Usage: runtime-side.ts <port> <state dir>. Prints `ready` once it listens.

@StatefulFunction('bench/counter')
class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.reply(String(count));
  }
}

async function main(): Promise<void> {
  const [port, stateDir] = process.argv.slice(2) as [string, string];
  const module = parseModule(
    `kind: io.keyflow.http.v1/ingress
spec:
  id: bench/http
  port: ${port}
  routes:
    - path: /counter
      valueType: io.statefun.types/string
      targets: [bench/counter]
`,
    join(stateDir, 'module.yaml'),
  );
  const runtime = await KeyflowRuntime.start({ module, stateDir, functions: [Counter], logger: silentLogger });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void runtime.stop().then(() => process.exit(0));
  });
}

void main();
