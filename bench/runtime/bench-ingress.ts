import { Types } from '@keyflow/sdk';
import { withTraceParent, type Ingress, type IngressCheckpoint, type IngressContext } from '@keyflow/runtime/kinds';

/**
 * An in-process ingress that feeds `total` string messages round-robin over `addresses`
 * counter instances, respecting backpressure like a real ingress, and resolves `done`
 * once every message has been handed over. Like the HTTP ingress, it begins a trace per message
 * (recorded as the runtime's sample ratio says, when tracing is on).
 */
export class BenchIngress implements Ingress {
  readonly id = 'bench/ingress';
  #sent = 0;
  #context: IngressContext | undefined;
  #resolveFed: (() => void) | undefined;
  readonly fed = new Promise<void>((resolve) => (this.#resolveFed = resolve));
  readonly #value: Uint8Array;

  constructor(
    private total: number,
    private readonly addresses: number,
    private readonly typename = 'bench/counter',
    payload = 'x'.repeat(16),
  ) {
    this.#value = Types.string.serialize(payload);
  }

  async start(context: IngressContext): Promise<void> {
    this.#context = context;
    context.onPressureChange((paused) => {
      if (!paused) this.#feed();
    });
    setImmediate(() => this.#feed());
  }

  /** Feeds `count` messages more, going on round-robin where the last ones stopped. */
  more(count: number): void {
    this.total += count;
    setImmediate(() => this.#feed());
  }

  #feed(): void {
    const context = this.#context as IngressContext;
    const slash = this.typename.lastIndexOf('/');
    const namespace = this.typename.slice(0, slash);
    const type = this.typename.slice(slash + 1);
    while (this.#sent < this.total && !context.paused) {
      const id = String(this.#sent % this.addresses);
      const traced = context.tracing.startIngress('bench', undefined);
      context.enqueue({
        target: { namespace, type, id },
        argument: { typename: Types.string.typename, hasValue: true, value: this.#value },
        caller: undefined,
        ...(traced === undefined ? {} : { headers: withTraceParent(undefined, traced.parent) }),
      });
      traced?.end();
      this.#sent++;
    }
    if (this.#sent >= this.total) this.#resolveFed?.();
  }

  checkpoint(): IngressCheckpoint {
    return { position: Buffer.from(String(this.#sent)), ops: [] };
  }

  async checkpointCommitted(): Promise<void> {
    // Nothing to release.
  }

  async stop(): Promise<void> {
    // Stops by itself once everything is fed.
  }
}
