import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Starts a bench script in its own Node process (TypeScript sources, legacy decorators); its stdout is piped (see {@link firstLine}). */
export function spawnBenchScript(script: string, args: readonly string[]): ChildProcess {
  return spawnScript(script, args, ['ignore', 'pipe', 'inherit']);
}

/** Starts a bench script in its own Node process that talks to this one over Node's IPC channel. */
export function spawnBenchWorker(script: string, args: readonly string[]): ChildProcess {
  return spawnScript(script, args, ['ignore', 'inherit', 'inherit', 'ipc']);
}

function spawnScript(script: string, args: readonly string[], stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, ['--conditions=@keyflow/source', '--require', 'tsx/cjs', join(__dirname, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'bench', 'tsconfig.json') },
    stdio,
  });
}

/** Resolves with the first line the child prints. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(buffered.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`the child exited with ${code} before printing`)));
  });
}
