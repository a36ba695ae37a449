import { spawn, type ChildProcess } from 'node:child_process';

/** What {@link SupervisedChild.spawn} needs. */
export interface ChildSpec {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * One run of a supervised program. It gets a process group of its own, so that signals
 * reach whatever it starts too (a shell or `npm` wrapper and the real server).
 */
export class SupervisedChild {
  /** When it was spawned (`performance.now()`). */
  readonly startedAt = performance.now();
  /** Resolves with how the run ended: `exited with code 1`, `killed by SIGKILL`, … */
  readonly ended: Promise<string>;
  /** Resolves true once the program runs, false if it could not be started. */
  readonly spawned: Promise<boolean>;
  private endReason: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    onEnded: (child: SupervisedChild, how: string) => void,
  ) {
    let markEnded!: (how: string) => void;
    this.ended = new Promise((resolve) => (markEnded = resolve));
    this.spawned = new Promise((resolve) => {
      child.once('spawn', () => resolve(true));
      void this.ended.then(() => resolve(false));
    });
    const end = (how: string): void => {
      if (this.endReason !== undefined) return;
      this.endReason = how;
      markEnded(how);
      onEnded(this, how);
    };
    child.once('exit', (code, signal) => end(signal === null ? `exited with code ${code}` : `was killed by ${signal}`));
    // A spawn failure (program not found, not executable) may come without an 'exit'.
    child.on('error', (error) => {
      if (child.pid === undefined) end(`could not be started (${error.message})`);
    });
  }

  /** Spawns `spec.command` with `spec.env` merged over this process's environment. */
  static spawn(spec: ChildSpec, onEnded: (child: SupervisedChild, how: string) => void): SupervisedChild {
    const [program, ...args] = spec.command;
    const child = spawn(program ?? '', args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new SupervisedChild(child, onEnded);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): ChildProcess['stdout'] {
    return this.child.stdout;
  }

  get stderr(): ChildProcess['stderr'] {
    return this.child.stderr;
  }

  /** How the run ended, or undefined while it runs. */
  get endedHow(): string | undefined {
    return this.endReason;
  }

  /** Sends `signal` to the whole process group; quietly does nothing once all are gone. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      if (this.endReason === undefined) this.child.kill(signal);
    }
  }
}
