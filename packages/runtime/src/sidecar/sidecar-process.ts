import { KeyflowError, silentLogger, type Logger } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { SidecarConfig } from '../config/module-config';
import { ProcessOutput } from './process-output';
import { ReadinessGate } from './readiness-gate';
import { SupervisedChild } from './supervised-child';
import { acceptsConnections, prepareSocketPath, removeSocketFile } from './unix-socket-file';

/** Options of {@link SidecarProcess}. */
export interface SidecarProcessOptions {
  /** Where the process's output and the supervisor's events go. Default: nowhere. */
  readonly logger?: Logger;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. Default 10 s. */
  readonly stopGraceMs?: number;
}

const DEFAULT_STOP_GRACE_MS = 10_000;
const MAX_RESTART_BACKOFF_MS = 30_000;
// A run that lasted this long was healthy: the next restart starts from the first backoff again.
const STABLE_UPTIME_MS = 30_000;
const POLL_INTERVAL_MS = 25;
const PROBE_TIMEOUT_MS = 1_000;

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * A co-located function process (`io.keyflow.process.v1/sidecar`) that the runtime starts,
 * watches and restarts. Its output goes to the logger; when it has a `socketPath`, it counts
 * as ready only once the socket accepts connections. When it dies, it is restarted after a
 * backoff (doubling from `restartBackoffMs` up to 30 s) and `ready()` waits until it serves again.
 *
 * @example
 * const sidecar = new SidecarProcess(config, { logger });
 * await sidecar.start();
 * const endpoint = new HttpFunctionEndpoint(httpConfig, { waitUntilReady: () => sidecar.ready() });
 * // …
 * await sidecar.stop();
 */
export class SidecarProcess {
  private state: State = 'idle';
  private child: SupervisedChild | undefined;
  private readonly gate = new ReadinessGate();
  private readonly output: ProcessOutput;
  private readonly logger: Logger;
  private readonly stopGraceMs: number;
  private nextBackoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = (): void => this.child?.signal('SIGKILL');

  constructor(
    private readonly config: SidecarConfig,
    options: SidecarProcessOptions = {},
  ) {
    this.logger = (options.logger ?? silentLogger).child({ sidecar: config.id });
    this.output = new ProcessOutput(this.logger, {});
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.nextBackoffMs = config.restartBackoffMs;
  }

  /** The Unix socket the process listens on, if its config names one. */
  get socketPath(): string | undefined {
    return this.config.socketPath;
  }

  /** The process id of the current run, if one is running. */
  get pid(): number | undefined {
    return this.child?.endedHow === undefined ? this.child?.pid : undefined;
  }

  /**
   * Spawns the process and resolves once it is ready (its socket accepts connections).
   * Rejects with `KF_SIDECAR_FAILED`, quoting its last lines of standard error, when it exits
   * or does not open the socket within `startTimeoutMs`; nothing is left running then.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle') {
      throw new KeyflowError(RuntimeErrorCodes.SIDECAR_FAILED, `Sidecar '${this.config.id}' was already started.`);
    }
    this.state = 'starting';
    process.on('exit', this.killOnExit);
    try {
      await this.launch();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.state = 'running';
    this.gate.open();
  }

  /**
   * Resolves when the process is ready: at once while it serves, after the restart when it
   * died. Rejects with `KF_SIDECAR_FAILED` once the sidecar is stopped.
   */
  ready(): Promise<void> {
    return this.gate.wait();
  }

  /** Stops the process (SIGTERM, then SIGKILL after the grace period) and does not restart it. */
  stop(): Promise<void> {
    return (this.stopping ??= this.terminate());
  }

  private async launch(): Promise<void> {
    const { socketPath } = this.config;
    if (this.config.command.length === 0) throw this.startFailure('its command is empty');
    if (socketPath !== undefined) {
      try {
        prepareSocketPath(socketPath);
      } catch (error) {
        throw this.startFailure(`its socket path cannot be prepared (${(error as Error).message})`);
      }
    }
    this.output.clear();
    const child = SupervisedChild.spawn(this.config, (ended, how) => this.onEnded(ended, how));
    this.child = child;
    this.output.follow(child.stdout, child.stderr);
    this.logger.info('sidecar started', { pid: child.pid, command: this.config.command });
    await this.waitUntilServing(child);
  }

  private async waitUntilServing(child: SupervisedChild): Promise<void> {
    const { socketPath, startTimeoutMs } = this.config;
    const deadline = performance.now() + startTimeoutMs;
    for (;;) {
      if (child.endedHow !== undefined) throw this.startFailure(`the process ${child.endedHow} before it was ready`);
      if (this.state === 'stopping' || this.state === 'stopped') throw this.startFailure('it was stopped while starting');
      if (socketPath === undefined) {
        if (await child.spawned) return;
        continue;
      }
      const left = deadline - performance.now();
      if (await acceptsConnections(socketPath, Math.max(1, Math.min(PROBE_TIMEOUT_MS, left)))) return;
      if (performance.now() >= deadline) {
        throw this.startFailure(`nothing accepted connections on ${socketPath} within ${startTimeoutMs} ms`);
      }
      await Promise.race([sleep(POLL_INTERVAL_MS), child.ended]);
    }
  }

  private onEnded(child: SupervisedChild, how: string): void {
    if (this.child !== child) return;
    // Whatever the program started goes with it.
    child.signal('SIGKILL');
    if (this.state !== 'running') return;
    this.gate.close();
    this.scheduleRestart(performance.now() - child.startedAt, `the process ${how}`, child.pid);
  }

  private scheduleRestart(uptimeMs: number, reason: string, pid: number | undefined): void {
    if (uptimeMs >= STABLE_UPTIME_MS) this.nextBackoffMs = this.config.restartBackoffMs;
    const delay = this.nextBackoffMs;
    this.nextBackoffMs = Math.min(delay * 2, MAX_RESTART_BACKOFF_MS);
    this.logger.warn('sidecar is down; restarting it', {
      pid,
      reason,
      restartInMs: delay,
      stderr: this.output.stderrTail(),
    });
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.state !== 'running') return;
    try {
      await this.launch();
    } catch (error) {
      if (this.state !== 'running') return;
      this.logger.warn('sidecar restart failed', { error: (error as Error).message });
      if (this.restartTimer !== undefined) return;
      const child = this.child;
      // Still running but never ready: kill it, and its exit schedules the next restart.
      if (child !== undefined && child.endedHow === undefined) child.signal('SIGKILL');
      else this.scheduleRestart(0, (error as Error).message, undefined);
      return;
    }
    if (this.state !== 'running') return;
    this.logger.info('sidecar is ready again', { pid: this.child?.pid });
    this.gate.open();
  }

  private async terminate(): Promise<void> {
    this.state = 'stopping';
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child !== undefined && child.endedHow === undefined) {
      child.signal('SIGTERM');
      if (!(await endsWithin(child, this.stopGraceMs))) {
        this.logger.warn('sidecar did not stop after SIGTERM; killing it', { pid: child.pid, graceMs: this.stopGraceMs });
        child.signal('SIGKILL');
        await child.ended;
      }
    }
    if (this.config.socketPath !== undefined) {
      try {
        removeSocketFile(this.config.socketPath);
      } catch {
        // Not a socket any more: someone else's file, left alone.
      }
    }
    process.off('exit', this.killOnExit);
    this.state = 'stopped';
    this.gate.fail(new KeyflowError(RuntimeErrorCodes.SIDECAR_FAILED, `Sidecar '${this.config.id}' is stopped.`));
    this.logger.info('sidecar stopped');
  }

  private startFailure(reason: string): KeyflowError {
    const { id, source, command } = this.config;
    const tail = this.output.stderrTail();
    return new KeyflowError(
      RuntimeErrorCodes.SIDECAR_FAILED,
      `Sidecar '${id}' (${source.file}:${source.line}, command: ${command.join(' ')}) did not start: ${reason}. ` +
        (tail === '' ? 'It wrote nothing to standard error.' : `The last lines of its standard error:\n${tail}`),
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function endsWithin(child: SupervisedChild, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([child.ended.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
