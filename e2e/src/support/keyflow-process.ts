import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..', '..');

/** The built `keyflow` command (the e2e target builds the runtime first). */
export const KEYFLOW_CLI = join(ROOT, 'packages', 'runtime', 'dist', 'cli', 'main.js');

/** A free TCP port on 127.0.0.1 (the runtime's test helper). */
export { freePort } from '@keyflow/runtime/test-support';

/** A running `keyflow run` process and what it printed. */
export interface KeyflowProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `keyflow run` with `args` and waits until it prints that it is running. `launcher`, when
 * given, runs it (e.g. `nsenter … ` into a mount namespace); it must exec node, not fork it.
 * `cwd` decides which package.json's kind packages it loads (the e2e project's has the connectors).
 */
export async function startKeyflow(
  args: readonly string[],
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = {},
  launcher: readonly string[] = [],
  cwd = ROOT,
): Promise<KeyflowProcess> {
  const [command, ...prefix] = [...launcher, process.execPath];
  const child = spawn(command, [...prefix, KEYFLOW_CLI, 'run', ...args], {
    cwd,
    env: { ...process.env, KEYFLOW_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  while (!output.includes('Keyflow is running')) {
    if (child.exitCode !== null) throw new Error(`keyflow exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`keyflow did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output, exited };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
