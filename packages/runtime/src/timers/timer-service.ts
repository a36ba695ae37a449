import { systemClock, type Clock, type ClockTimer } from '../clock/clock';
import { addressKey } from '../message/address-key';
import type { Envelope } from '../message/envelope';
import type { BackendOp } from '../state/state-backend';
import { timerKey } from '../state/keyspace';
import { encodeDelayedMessage, type DelayedMessage } from './delayed-message';
import { TimerHeap } from './timer-heap';

/** The longest setTimeout Node accepts (a later message is re-armed for when it is due). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Delayed messages: kept in memory in a heap, persisted through checkpoints as backend
 * operations, delivered to `deliver` when due, cancellable by (sender, token) before that.
 * Scheduling with a token that is already pending for the same sender replaces that message.
 */
export class TimerService {
  readonly #heap = new TimerHeap();
  readonly #pending = new Map<number, DelayedMessage>();
  readonly #byToken = new Map<string, number>();
  #ops: BackendOp[] = [];
  #nextId = 1;
  #timeout: ClockTimer | undefined;
  #armedFor = Infinity;
  #running = false;

  constructor(
    private readonly deliver: (envelope: Envelope) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Loads persisted delayed messages (at startup, before {@link start}). */
  restore(messages: Iterable<DelayedMessage>): void {
    for (const message of messages) {
      this.#add(message);
      this.#nextId = Math.max(this.#nextId, message.id + 1);
    }
  }

  /** Starts delivering due messages. */
  start(): void {
    this.#running = true;
    this.#arm();
  }

  /** Stops delivering; pending messages stay pending. */
  stop(): void {
    this.#running = false;
    this.#timeout?.cancel();
    this.#timeout = undefined;
    this.#armedFor = Infinity;
  }

  /** Schedules `envelope` for `dueAt`, sent by `owner` with an optional cancellation token. */
  schedule(owner: string, token: string, envelope: Envelope, dueAt: number): void {
    if (token !== '') this.cancel(owner, token);
    const message: DelayedMessage = { id: this.#nextId++, dueAt, owner, token, envelope };
    this.#add(message);
    this.#ops.push({ type: 'put', key: timerKey(message.id), value: encodeDelayedMessage(message) });
    this.#arm();
  }

  /** Cancels the pending message of `owner` with `token`; a no-op when there is none. */
  cancel(owner: string, token: string): void {
    const key = tokenKey(owner, token);
    const id = this.#byToken.get(key);
    if (id === undefined) return;
    this.#byToken.delete(key);
    this.#pending.delete(id);
    this.#ops.push({ type: 'del', key: timerKey(id) });
  }

  /** The backend operations since the last call: part of the next checkpoint. */
  takeOps(): BackendOp[] {
    const ops = this.#ops;
    this.#ops = [];
    return ops;
  }

  /** Puts back operations taken for a checkpoint that failed, ahead of newer ones. */
  restoreOps(ops: readonly BackendOp[]): void {
    this.#ops = [...ops, ...this.#ops];
  }

  /** Every pending message, in delivery order (for savepoints and tests). */
  pendingMessages(): DelayedMessage[] {
    return [...this.#pending.values()].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The pending delayed messages that the address of `key` sent or will receive, by due time. */
  pendingFor(key: string): DelayedMessage[] {
    return [...this.#pending.values()]
      .filter((message) => message.owner === key || addressKey(message.envelope.target) === key)
      .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  }

  #add(message: DelayedMessage): void {
    this.#pending.set(message.id, message);
    if (message.token !== '') this.#byToken.set(tokenKey(message.owner, message.token), message.id);
    this.#heap.push({ dueAt: message.dueAt, id: message.id });
  }

  #arm(): void {
    if (!this.#running) return;
    const next = this.#nextDue();
    if (next === undefined || next >= this.#armedFor) return;
    this.#timeout?.cancel();
    this.#armedFor = next;
    const delay = Math.min(Math.max(0, next - this.clock.now()), MAX_TIMEOUT_MS);
    this.#timeout = this.clock.setTimer(() => this.#fire(), delay);
  }

  #fire(): void {
    this.#timeout = undefined;
    this.#armedFor = Infinity;
    const now = this.clock.now();
    for (let top = this.#heap.peek(); top && top.dueAt <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      const message = this.#pending.get(top.id);
      if (!message) continue; // cancelled or replaced
      this.#pending.delete(message.id);
      if (message.token !== '') this.#byToken.delete(tokenKey(message.owner, message.token));
      this.#ops.push({ type: 'del', key: timerKey(message.id) });
      this.deliver(message.envelope);
    }
    this.#arm();
  }

  /** The due time of the earliest pending message, dropping cancelled heap entries. */
  #nextDue(): number | undefined {
    for (let top = this.#heap.peek(); top; top = this.#heap.peek()) {
      if (this.#pending.has(top.id)) return top.dueAt;
      this.#heap.pop();
    }
    return undefined;
  }
}

function tokenKey(owner: string, token: string): string {
  return `${owner}\u0001${token}`;
}
