// `keyflow flink up|savepoint|down` as the suite drives them: real processes of the built CLI.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KEYFLOW_CLI, ROOT } from '../../support/keyflow-process';

const run = promisify(execFile);

/** What `keyflow flink up` wrote to its session.json. */
export interface FlinkSession {
  readonly pid: number;
  readonly restUrl: string;
  readonly jobId: string;
  readonly clusterDir: string;
  readonly functionsUrl?: string;
}

/** A running `keyflow flink up`. */
export interface FlinkUp {
  readonly dir: string;
  readonly child: ChildProcess;
  readonly session: FlinkSession;
  output(): string;
}

/** Starts `keyflow flink up` with `args` (plus `--dir dir`) and waits until its job runs. */
export async function flinkUp(dir: string, args: readonly string[], timeoutMs = 240_000): Promise<FlinkUp> {
  const child = spawn(process.execPath, [KEYFLOW_CLI, 'flink', 'up', '--dir', dir, ...args], {
    cwd: ROOT,
    env: { ...process.env, KEYFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!output.includes('Apache Flink StateFun is running')) {
    if (child.exitCode !== null) throw new Error(`keyflow flink up exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGTERM');
      throw new Error(`keyflow flink up did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const session = JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')) as FlinkSession;
  return { dir, child, session, output: () => output };
}

/** `keyflow flink savepoint`: resolves to the savepoint's path. */
export async function flinkSavepoint(dir: string): Promise<string> {
  const { stdout } = await run(process.execPath, [KEYFLOW_CLI, 'flink', 'savepoint', '--dir', dir], { cwd: ROOT });
  const path = /KEYFLOW_FLINK_SAVEPOINT=(\S+)/.exec(stdout)?.[1];
  if (path === undefined) throw new Error(`keyflow flink savepoint printed no path:\n${stdout}`);
  return path;
}

/** `keyflow flink down`, then waits for the up process to exit. */
export async function flinkDown(up: FlinkUp): Promise<void> {
  const exited = up.child.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => up.child.once('exit', () => resolve()));
  await run(process.execPath, [KEYFLOW_CLI, 'flink', 'down', '--dir', up.dir], { cwd: ROOT });
  await exited;
}
