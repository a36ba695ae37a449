import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { TransportConfig } from '../module/module-config';
import type { TlsMaterial } from './tls-material';

/**
 * The keep-alive connection pools of one endpoint: one agent for plain HTTP and one for TLS,
 * each made on first use. At most `poolSize` connections per server; an idle connection is
 * closed after `poolTtlMs` (0 keeps it until the server closes it).
 */
export class ConnectionPool {
  private http: HttpAgent | undefined;
  private https: HttpsAgent | undefined;

  constructor(
    private readonly transport: TransportConfig,
    private readonly tls: TlsMaterial,
  ) {}

  /** The agent for plain (`tls` false) or TLS connections. */
  agent(tls: boolean): HttpAgent {
    if (tls) return (this.https ??= new HttpsAgent({ ...this.agentOptions(), ...this.tls }));
    return (this.http ??= new HttpAgent(this.agentOptions()));
  }

  /** Closes every pooled connection; requests in flight fail. */
  destroy(): void {
    this.http?.destroy();
    this.https?.destroy();
    this.http = undefined;
    this.https = undefined;
  }

  private agentOptions(): { keepAlive: true; maxSockets: number; maxFreeSockets: number; timeout?: number } {
    const { poolSize, poolTtlMs } = this.transport;
    // An agent's `timeout` is an idle timeout: free sockets that time out are destroyed, busy
    // ones only emit 'timeout' (the request's own timers decide when a call has taken too long).
    return {
      keepAlive: true,
      maxSockets: poolSize,
      maxFreeSockets: poolSize,
      ...(poolTtlMs > 0 ? { timeout: poolTtlMs } : {}),
    };
  }
}
