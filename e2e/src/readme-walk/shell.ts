import { spawn, type ChildProcess } from 'node:child_process';

/** A user's shell environment: the test runner's own settings removed, Nx without its daemon. */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // A user's terminal, not a CI job: with CI set, codegen checks instead of writing, and Nx behaves otherwise.
    if (name.startsWith('JEST_') || name === 'NODE_OPTIONS' || name === 'DEBUG' || name === 'CI' || name.startsWith('npm_')) continue;
    env[name] = value;
  }
  // npm puts the workspace's node_modules/.bin on the PATH of `npm test`; a user's shell has none.
  const path = (env['PATH'] ?? '').split(':').filter((entry) => !entry.includes('node_modules')).join(':');
  // A new user's machine has no Nx cache; Nx keeps one per machine (~/.nx), shared by every copy of
  // the repository, so the walk does not read it: every target really runs.
  return { ...env, PATH: path, NX_DAEMON: 'false', NX_SKIP_NX_CACHE: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
}

/** What a command printed (stdout and stderr, interleaved) and how it ended. */
export interface Finished {
  readonly code: number | null;
  readonly output: string;
}

/**
 * A command typed into `bash` in `cwd`, in a process group of its own, as a terminal runs it,
 * so that Ctrl+C (SIGINT to the group) and clean-up reach everything it started.
 */
export class ShellCommand {
  readonly child: ChildProcess;
  readonly finished: Promise<Finished>;
  #output = '';

  constructor(readonly command: string, cwd: string) {
    this.child = spawn('bash', ['-c', command], { cwd, env: userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString('utf8')));
    this.finished = new Promise((resolve) => this.child.once('close', (code) => resolve({ code, output: this.#output })));
  }

  get output(): string {
    return this.#output;
  }

  /** Waits until the output contains `text`; fails when the command ends first or time is up. */
  async waitFor(text: string, timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (!this.#output.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`'${this.command}' ended (${this.child.exitCode ?? this.child.signalCode}) before printing '${text}':\n${this.#output}`);
      }
      if (Date.now() - started > timeoutMs) throw new Error(`'${this.command}' did not print '${text}' within ${timeoutMs} ms:\n${this.#output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Ctrl+C: SIGINT to the whole process group, then the command's end (SIGKILL after `graceMs`). */
  async interrupt(graceMs: number): Promise<Finished> {
    this.signal('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), graceMs)));
    const ended = await Promise.race([this.finished, late]);
    clearTimeout(timer);
    if (ended !== undefined) return ended;
    this.kill();
    throw new Error(`'${this.command}' did not stop within ${graceMs} ms of Ctrl+C:\n${this.#output}`);
  }

  /** SIGKILL to the process group: for clean-up after a failure. */
  kill(): void {
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}

/** Runs a command to its end; fails with its output when it exits non-zero or takes too long. */
export async function runToEnd(command: string, cwd: string, timeoutMs: number): Promise<string> {
  const shell = new ShellCommand(command, cwd);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  const ended = await Promise.race([shell.finished, late]);
  clearTimeout(timer);
  if (ended === undefined) {
    shell.kill();
    throw new Error(`'${command}' did not finish within ${timeoutMs} ms:\n${shell.output}`);
  }
  if (ended.code !== 0) throw new Error(`'${command}' exited with ${ended.code}:\n${ended.output}`);
  return ended.output;
}
