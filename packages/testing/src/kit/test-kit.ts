import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBackend, RocksDbBackend, type CheckpointResult, type StateBackend } from '@keyflow/runtime';
import type { DeliverySemantic, EgressSink } from '@keyflow/runtime/kinds';
import { KeyflowError, describeError, toMillis, type Address, type Duration, type Type } from '@keyflow/sdk';
import { FunctionRegistry, SCHEDULES_STATE_NAME, toPbAddress } from '@keyflow/sdk/protocol';
import { VirtualClock } from '../clock/virtual-clock';
import { EgressRecordList, type KitEgress } from '../egress/kit-egress';
import { kitEgressSink, type CommittedCheckpoints } from '../egress/kit-egress-sinks';
import { TestingErrorCodes } from '../errors/testing-error-codes';
import { IngressMessageLog } from '../ingress/kit-ingress';
import { ValueCodec } from '../values/value-codec';
import { RuntimeIncarnation, type KitFunctions } from './runtime-incarnation';
import type { KitEgressOption, TestKitOptions } from './test-kit-options';

/** Where the virtual time starts unless `startTime` says otherwise. */
const DEFAULT_START = Date.parse('2026-01-01T00:00:00Z');

/**
 * Runs functions on Keyflow's own runtime core — dispatcher, state store, timers, checkpoints
 * and recovery — in process and on virtual time: no sleeping, no ports, no files (unless
 * RocksDB is asked for). Every call returns once the runtime is idle again.
 *
 * @example
 * const kit = await TestKit.start({ functions: [Greeter, Inbox], egresses: ['example/greetings'] });
 * await kit.send({ typename: 'example/greeter', id: 'alice' }, 'Alice');
 * await kit.advance('30m'); // delayed messages, state expiry and schedules fire on the way
 * expect(kit.egress('example/greetings').values()).toHaveLength(1);
 * expect(await kit.state({ typename: 'example/greeter', id: 'alice' })).toEqual({});
 * await kit.crash(); // as kill -9: back to the last checkpoint, then the ingress log replayed
 * await kit.close();
 */
export class TestKit {
  #incarnation: RuntimeIncarnation;
  #backend: StateBackend;
  #closed = false;

  private constructor(
    private readonly functions: KitFunctions,
    private readonly clock: VirtualClock,
    backend: StateBackend,
    private readonly reopenBackend: (() => Promise<StateBackend>) | undefined,
    private readonly cleanup: () => Promise<void>,
    private readonly log: IngressMessageLog,
    private readonly egresses: ReadonlyMap<string, KitEgressState>,
    private readonly codec: ValueCodec,
    private readonly stateTypes: ReadonlyMap<string, ReadonlyMap<string, Type<unknown>>>,
    incarnation: RuntimeIncarnation,
  ) {
    this.#incarnation = incarnation;
    this.#backend = backend;
  }

  /** Starts a kit; throws `KF_TESTKIT_OPTIONS_INVALID` unless exactly one of `functions` and `endpoint` is given. */
  static async start(options: TestKitOptions): Promise<TestKit> {
    const functions = kitFunctions(options);
    const start = options.startTime instanceof Date ? options.startTime.getTime() : (options.startTime ?? DEFAULT_START);
    const clock = new VirtualClock(start);
    const egresses = new Map((options.egresses ?? []).map((egress) => egressOf(egress)).map((egress) => [egress.list.id, egress] as const));
    const definitions = functions.kind === 'classes' ? new FunctionRegistry(functions.classes).list() : [];
    const stateTypes = new Map(
      definitions.map((definition) => [definition.typename, new Map(definition.states.map((state) => [state.name, state.type] as const))] as const),
    );
    const codec = new ValueCodec([...definitions.flatMap((definition) => definition.states.map((state) => state.type)), ...(options.types ?? [])]);
    const log = new IngressMessageLog();

    let backend: StateBackend;
    let reopen: (() => Promise<StateBackend>) | undefined;
    let cleanup = async (): Promise<void> => undefined;
    if (options.stateBackend === 'rocksdb') {
      const dir = await mkdtemp(join(tmpdir(), 'keyflow-testkit-'));
      reopen = () => RocksDbBackend.open(join(dir, 'rocksdb'));
      backend = await reopen();
      cleanup = () => rm(dir, { recursive: true, force: true });
    } else {
      backend = new MemoryBackend();
    }
    const incarnation = await RuntimeIncarnation.start({ functions, backend, log, sinks: sinksOf(egresses), clock });
    return new TestKit(functions, clock, backend, reopen, cleanup, log, egresses, codec, stateTypes, incarnation);
  }

  /** The virtual time, in epoch milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Sends `value` to the function at `address` as an ingress would (it is logged first, so a
   * crash replays it unless a checkpoint covers it) and resolves once everything it set off,
   * up to the current virtual time, is done. Strings, booleans and numbers have built-in
   * types; pass `type` for others (e.g. a `jsonType`).
   */
  async send<T>(address: Address, value: T, type?: Type<T>): Promise<void> {
    this.#ensureOpen();
    const target = toPbAddress(address, 'kit.send');
    const argument = this.codec.encode(value, type);
    this.#incarnation.ingress.accept({ target, argument, caller: undefined });
    await this.#settle();
  }

  /**
   * Sends `value` as a request whose sender waits for the answer, as an HTTP client with
   * `Prefer: wait` does (the message has a caller), and resolves with the first answer: what the
   * function gave `ctx.reply`, or sent to its caller. Decoded as `replyType` when given, else as
   * `kit.egress` decodes values. Throws `KF_TESTKIT_NO_REPLY` when the function did not answer.
   *
   * @example
   * const view = await kit.request(cart, { op: 'add', sku: 'tea', quantity: 1, priceCents: 450 }, CartCommandType, CartViewType);
   */
  async request<T, R = unknown>(address: Address, value: T, type?: Type<T>, replyType?: Type<R>): Promise<R> {
    this.#ensureOpen();
    const target = toPbAddress(address, 'kit.request');
    const argument = this.codec.encode(value, type);
    const requestId = this.#incarnation.ingress.acceptRequest({ target, argument, caller: undefined });
    await this.#settle();
    const reply = this.log.replies.get(requestId);
    if (reply === undefined) {
      throw new KeyflowError(
        TestingErrorCodes.KIT_NO_REPLY,
        `kit.request to ${address.typename}/${address.id}: no answer. The function must call ctx.reply (or send a message to ctx.caller) while it handles the request.`,
      );
    }
    return (replyType ? replyType.deserialize(reply.value) : this.codec.decode(reply, this.clock.now())) as R;
  }

  /**
   * Moves the virtual time on by `duration` (`'30m'`, `'1d'`, milliseconds), delivering every
   * delayed message and schedule tick that comes due on the way, at its own time and in
   * order, and letting state expire. Resolves once the runtime is idle at the new time.
   */
  async advance(duration: Duration): Promise<void> {
    this.#ensureOpen();
    const until = this.clock.now() + toMillis(duration, 'kit.advance');
    await this.#settle();
    for (let next = this.clock.nextDueAt(); next !== undefined && next <= until; next = this.clock.nextDueAt()) {
      this.clock.fireNext();
      await this.#settle();
    }
    this.clock.moveTo(until);
  }

  /** The records of an egress the kit was started with; `KF_TESTKIT_UNKNOWN_EGRESS` for others. */
  egress(id: string): KitEgress {
    const list = this.egresses.get(id)?.list;
    if (!list) {
      throw new KeyflowError(
        TestingErrorCodes.KIT_UNKNOWN_EGRESS,
        `kit.egress('${id}'): the kit has no such egress; it has ${[...this.egresses.keys()].map((known) => `'${known}'`).join(', ') || 'none'}. Add it to the egresses option of TestKit.start.`,
      );
    }
    return {
      id,
      values: () => list.records.map((record) => this.codec.decode(record, this.clock.now())),
      records: () => [...list.records],
      clear: () => list.clear(),
    };
  }

  /**
   * The state of the function instance at `address`, as its next invocation would see it: by
   * state name, values decoded (maps as objects, lists as arrays), expired ones left out, also
   * what is not checkpointed yet. Schedules are left out. `{}` for an instance without state.
   */
  async state(address: Address): Promise<Record<string, unknown>> {
    this.#ensureOpen();
    const target = toPbAddress(address, 'kit.state');
    const values = await this.#incarnation.core.readState(target);
    const declared = this.stateTypes.get(address.typename);
    const state: Record<string, unknown> = {};
    for (const [name, typed] of values) {
      if (name === SCHEDULES_STATE_NAME) continue;
      const type = declared?.get(name);
      state[name] = type && type.typename === typed.typename ? type.deserialize(typed.value) : this.codec.decode(typed, this.clock.now());
    }
    return state;
  }

  /** Takes a checkpoint now, with the runtime's own checkpoint code; a later {@link crash} comes back to it. */
  async checkpoint(): Promise<CheckpointResult> {
    this.#ensureOpen();
    await this.#settle();
    return this.#incarnation.core.coordinator.checkpoint();
  }

  /**
   * As `kill -9` of the runtime and a restart: everything not in the last checkpoint is
   * dropped (state written since, delayed messages set since, exactly-once egress not yet
   * committed), the runtime recovers from the checkpoint as it does at start and the ingress
   * log replays every message accepted after it. At-least-once egresses keep what they got,
   * so replayed messages may repeat records there, as they would in production. With
   * `downFor`, the runtime stays down that long: the time moves on with nothing delivered, and
   * what came due meanwhile is delivered late, right after the restart.
   */
  async crash(options: { readonly downFor?: Duration } = {}): Promise<void> {
    this.#ensureOpen();
    await this.#incarnation.kill();
    if (options.downFor !== undefined) this.clock.moveTo(this.clock.now() + toMillis(options.downFor, 'kit.crash downFor'));
    if (this.reopenBackend) {
      // RocksDB as after a kill: what a synced write put on disk is there when it is opened again.
      await this.#backend.close();
      this.#backend = await this.reopenBackend();
    }
    this.#incarnation = await RuntimeIncarnation.start({
      functions: this.functions,
      backend: this.#backend,
      log: this.log,
      sinks: sinksOf(this.egresses),
      clock: this.clock,
    });
    await this.#settle();
  }

  /** Stops the runtime without a final checkpoint and deletes the kit's temporary folder, if any. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#incarnation.kill();
    await this.#backend.close();
    await this.cleanup();
  }

  /**
   * Waits until nothing is queued or in flight, no delayed message is due at the current
   * time (one sent with no delay is delivered here, as the runtime would at once), and the
   * egress records are handed over.
   */
  async #settle(): Promise<void> {
    try {
      await this.#incarnation.whenIdle();
      for (let next = this.clock.nextDueAt(); next !== undefined && next <= this.clock.now(); next = this.clock.nextDueAt()) {
        this.clock.fireNext();
        await this.#incarnation.whenIdle();
      }
      await this.#incarnation.core.egress.flush();
    } catch (error) {
      throw new KeyflowError(
        TestingErrorCodes.KIT_FAILED,
        `Processing stopped: ${describeError(error)}. Fix the cause; kit.crash() restarts the runtime from the last checkpoint.`,
        { cause: error },
      );
    }
  }

  #ensureOpen(): void {
    if (this.#closed) throw new KeyflowError(TestingErrorCodes.KIT_CLOSED, 'The test kit was closed; start a new one with TestKit.start.');
  }
}

function kitFunctions(options: TestKitOptions): KitFunctions {
  const hasFunctions = options.functions !== undefined && options.functions.length > 0;
  if (hasFunctions === (options.endpoint !== undefined)) {
    throw new KeyflowError(
      TestingErrorCodes.KIT_OPTIONS_INVALID,
      'TestKit.start needs exactly one of functions (classes to run in process) and endpoint (the URL of a function service).',
    );
  }
  return options.endpoint !== undefined ? { kind: 'endpoint', url: options.endpoint } : { kind: 'classes', classes: options.functions ?? [] };
}

/** One egress of the kit: its records and how they are delivered. */
interface KitEgressState {
  readonly list: EgressRecordList;
  readonly delivery: DeliverySemantic;
  /** The last checkpoint an exactly-once egress committed, as its destination would remember it. */
  readonly committed: CommittedCheckpoints;
}

function egressOf(egress: KitEgressOption): KitEgressState {
  const committed: CommittedCheckpoints = new Map();
  return typeof egress === 'string'
    ? { list: new EgressRecordList(egress), delivery: 'at-least-once', committed }
    : { list: new EgressRecordList(egress.id), delivery: egress.delivery, committed };
}

/** New sinks for a runtime incarnation, over the kit's record lists. */
function sinksOf(egresses: ReadonlyMap<string, KitEgressState>): EgressSink[] {
  return [...egresses.values()].map((egress) => kitEgressSink(egress.list, egress.delivery, egress.committed));
}
