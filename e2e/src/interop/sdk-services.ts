import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, freePort } from '../support/keyflow-process';

// The SDKs of the interop matrix and how to start each one's function service. The official
// SDKs' services are installed and built by tools/interop/interop.sh (pip, the Go module
// proxy, Maven Central; cached under ~/.cache/keyflow/interop); Keyflow's is this repository's.

/** The SDKs whose workload runs under `keyflow run`, in the README's order. */
export const SDKS = ['keyflow', 'js', 'python', 'go', 'java'] as const;
export type Sdk = (typeof SDKS)[number];

/** What the README's table calls each SDK. */
export const SDK_NAMES: Readonly<Record<Sdk, string>> = {
  keyflow: 'Keyflow sdk (@keyflow/sdk)',
  js: 'official JavaScript SDK apache-flink-statefun 3.3.0 (npm)',
  python: 'official Python SDK apache-flink-statefun 3.3.0 (PyPI)',
  go: 'official Go SDK statefun-sdk-go/v3 v3.3.0 (Go module proxy)',
  java: 'official Java SDK statefun-sdk-java 3.3.0 (Maven Central)',
};

/** The function namespace of an SDK's workload. */
export const namespaceOf = (sdk: Sdk): string => `interop-${sdk}`;

const INTEROP_SCRIPT = join(ROOT, 'tools', 'interop', 'interop.sh');
const KEYFLOW_SERVICE = join(__dirname, 'serve-keyflow-functions.ts');

/**
 * Installs and builds what the official SDKs' services need (in parallel; cold: pip, Go and
 * Maven downloads) and returns each SDK's command. Fails, naming the toolchain, when one is missing.
 */
export async function prepareServices(): Promise<Readonly<Record<Sdk, readonly string[]>>> {
  const official = ['js', 'python', 'go', 'java'] as const;
  const prepared = await Promise.all(
    official.map(async (sdk) => {
      try {
        const { stdout } = await promisify(execFile)('bash', [INTEROP_SCRIPT, 'prepare', sdk], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
        const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${sdk} `));
        if (line === undefined) throw new Error(`printed no command:\n${stdout}`);
        return [sdk, JSON.parse(line.slice(sdk.length + 1)) as string[]] as const;
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? '';
        throw new Error(`tools/interop/interop.sh prepare ${sdk} failed: ${stderr.trim() || String(error)}`, { cause: error });
      }
    }),
  );
  const keyflow = [process.execPath, '--conditions=@keyflow/source', '--require', 'tsx/cjs', KEYFLOW_SERVICE];
  return { keyflow, ...Object.fromEntries(prepared) } as unknown as Record<Sdk, readonly string[]>;
}

/** A running function service. */
export interface FunctionService {
  readonly sdk: Sdk;
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command <namespace> <port>` and waits until it prints `serving`. */
export async function startService(sdk: Sdk, command: readonly string[], timeoutMs = 60_000): Promise<FunctionService> {
  const port = await freePort();
  const [program, ...args] = command as [string, ...string[]];
  const child: ChildProcess = spawn(program, [...args, namespaceOf(sdk), String(port)], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'e2e', 'tsconfig.json'), PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!output.includes('serving')) {
    if (child.exitCode !== null) throw new Error(`the ${sdk} function service exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`the ${sdk} function service did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    sdk,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
