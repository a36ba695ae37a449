import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `kubectl port-forward` on 127.0.0.1: the only way the gate's tests reach the cluster.
 * `localPort` 0 lets kubectl pick a free port; {@link PortForward.port} says which.
 */
export class PortForward {
  private constructor(
    private readonly child: ChildProcess,
    /** The local port on 127.0.0.1. */
    readonly port: number,
  ) {}

  static start(target: string, remotePort: number, localPort = 0): Promise<PortForward> {
    const bin = process.env['KEYFLOW_KIND_BIN'] ?? '';
    const child = spawn(`${bin}/kubectl`, ['port-forward', '--address', '127.0.0.1', target, `${localPort}:${remotePort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`KF_KIND_PORT_FORWARD: kubectl port-forward ${target} did not start within 30 s: ${output}`));
      }, 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(new PortForward(child, Number(match[1])));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`KF_KIND_PORT_FORWARD: kubectl port-forward ${target} exited with ${String(code)}: ${output}`));
      });
    });
  }

  stop(): void {
    this.child.kill();
  }
}
