import { Types, silentLogger } from '@keyflow/sdk';
import { stateParticipant } from '../../src/checkpoint/participants/state-participant';
import { Dispatcher } from '../../src/dispatcher/dispatcher';
import { EmbeddedFunctionEndpoint } from '../../src/endpoints/embedded-endpoint';
import type { FunctionEndpoint } from '../../src/endpoints/function-endpoint';
import { RocksDbBackend } from '../../src/state/rocksdb-backend';
import { StateSpecRegistry } from '../../src/state/state-spec-registry';
import { StateStore } from '../../src/state/state-store';
import { FakeClock } from '../../src/test-support/fake-clock';
import { FakeDispatchTargets } from '../../src/test-support/fake-dispatch-targets';
import { TimerService } from '../../src/timers/timer-service';
import { CollectionStore } from '../fixtures/collection-functions';

/**
 * The dispatcher with the embedded `coll/store` function over a real RocksDB state backend and
 * a controllable clock: what `keyflow run` puts together, without ingresses, so a test can send
 * commands, take checkpoints by hand and look at the backend's keys.
 */
export class CollectionRig {
  readonly out: string[] = [];
  readonly fatal: Error[] = [];
  readonly dispatcher: Dispatcher;
  readonly #failed: Promise<void>;
  readonly state: StateStore;
  readonly specs: StateSpecRegistry;

  private constructor(
    readonly backend: RocksDbBackend,
    readonly clock: FakeClock,
    mode: 'embedded' | 'whole',
  ) {
    this.state = new StateStore(backend);
    this.specs = new StateSpecRegistry();
    let failed: () => void = () => undefined;
    this.#failed = new Promise((resolve) => (failed = resolve));
    const embedded = EmbeddedFunctionEndpoint.of([CollectionStore], 'coll', clock.read);
    // 'whole': the same function as a remote endpoint sees it, its lists and maps sent whole.
    const endpoint: FunctionEndpoint =
      mode === 'embedded' ? embedded : { description: 'whole-values', invoke: (batch) => embedded.invoke(batch), close: () => embedded.close() };
    const targets = new FakeDispatchTargets().add('coll/store', endpoint);
    this.dispatcher = new Dispatcher({
      targets,
      state: this.state,
      specs: this.specs,
      timers: new TimerService(() => undefined, clock.clock),
      hasEgress: (egress) => egress === 'coll/out',
      emitEgress: (record) => this.out.push(Types.string.deserialize(record.value.value)),
      logger: silentLogger,
      onFatal: (error) => {
        this.fatal.push(error);
        failed();
      },
      clock: clock.read,
      // A throwing function stops the rig at once (the runtime's default retries, then parks).
      failurePolicy: { retryForMs: 0, then: 'stop' },
    });
  }

  /**
   * A rig on the RocksDB folder `dir` (opened, or created). `whole` serves the function as an
   * endpoint that takes lists and maps whole (as a remote one does) instead of embedded.
   */
  static async open(dir: string, clock = new FakeClock(), mode: 'embedded' | 'whole' = 'embedded'): Promise<CollectionRig> {
    return new CollectionRig(await RocksDbBackend.open(dir), clock, mode);
  }

  /** Sends commands to the function instance `id`, in order, and waits until they are processed (or processing stopped). */
  async send(id: string, ...commands: string[]): Promise<void> {
    for (const command of commands) {
      this.dispatcher.enqueue({
        target: { namespace: 'coll', type: 'store', id },
        argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(command) },
        caller: undefined,
      });
    }
    await Promise.race([this.dispatcher.whenIdle(), this.#failed]);
  }

  /** Sends one read command and returns its answer. */
  async ask(id: string, command: string): Promise<unknown> {
    const before = this.out.length;
    await this.send(id, command);
    const line = this.out[before];
    if (line === undefined) throw new Error(`no answer to '${command}'${this.fatal[0] ? `: ${this.fatal[0].message}` : ''}`);
    return JSON.parse(line.slice(line.indexOf(': ') + 2)) as unknown;
  }

  /** Writes the state written since the last checkpoint to the backend, as a checkpoint does; returns its ops. */
  async checkpoint(): Promise<{ readonly puts: string[]; readonly deletes: string[] }> {
    const capture = stateParticipant(this.state).capture(0);
    await this.backend.write(capture.ops);
    await capture.committed?.('complete');
    return {
      puts: capture.ops.flatMap((op) => (op.type === 'put' ? [op.key] : [])),
      deletes: capture.ops.flatMap((op) => (op.type === 'del' ? [op.key] : [])),
    };
  }

  /** Every key in the backend under `prefix`. */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const [key] of this.backend.scan(prefix)) keys.push(key);
    return keys;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
