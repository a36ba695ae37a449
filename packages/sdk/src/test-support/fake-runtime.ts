// A small StateFun runtime for handler tests: it keeps state per address, learns state specs
// from IncompleteInvocationContext answers, routes messages one at a time, and holds delayed
// messages by (sender, cancellation token) the way Apache Flink StateFun does: a second pending
// message with a token in use is an error, and delivering a message frees its token. Time is a
// controllable clock that the test advances.

import { createRequestHandler, type FunctionClass } from '@keyflow/sdk';
import { decodeFromFunction } from '../protocol/from-function-codec';
import { encodeToFunction } from '../protocol/to-function-codec';
import type { PbAddress, PbDelayedInvocation, PbTypedValue, PbValueSpec } from '../protocol/wire-types';

/** A message as the fake runtime delivers it. */
export interface Delivery {
  readonly target: PbAddress;
  readonly argument: PbTypedValue;
  readonly caller: PbAddress | undefined;
}

interface PendingDelayed {
  readonly dueAt: number;
  readonly sequence: number;
  readonly owner: string;
  readonly token: string;
  readonly delivery: Delivery;
}

const keyOf = (address: PbAddress): string => `${address.namespace}/${address.type}/${address.id}`;

export class FakeRuntime {
  now: number;
  readonly #handle: (bytes: Uint8Array) => Promise<Uint8Array>;
  readonly #specs = new Map<string, PbValueSpec[]>();
  readonly #state = new Map<string, Map<string, PbTypedValue>>();
  #pending: PendingDelayed[] = [];
  #sequence = 0;
  /** Batches answered with IncompleteInvocationContext, for assertions. */
  incompleteAnswers = 0;
  /** Every message sent by a function (not delayed), in order. */
  readonly sent: Delivery[] = [];

  constructor(functions: readonly FunctionClass[], start: number) {
    this.now = start;
    this.#handle = createRequestHandler(functions, { clock: () => this.now });
  }

  /** Delivers `argument` to `target` now, and every message it causes, until none is left. */
  async send(target: PbAddress, argument: PbTypedValue, caller?: PbAddress): Promise<void> {
    const queue: Delivery[] = [{ target, argument, caller }];
    for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
      queue.push(...(await this.#invoke(delivery)));
    }
  }

  /** Advances the clock to `time`, delivering each delayed message when it is due. */
  async advanceTo(time: number): Promise<void> {
    for (;;) {
      const next = this.#pending.reduce<PendingDelayed | undefined>(
        (earliest, item) => (!earliest || item.dueAt < earliest.dueAt || (item.dueAt === earliest.dueAt && item.sequence < earliest.sequence) ? item : earliest),
        undefined,
      );
      if (!next || next.dueAt > time) break;
      this.#pending = this.#pending.filter((item) => item !== next);
      this.now = Math.max(this.now, next.dueAt);
      await this.send(next.delivery.target, next.delivery.argument, next.delivery.caller);
    }
    this.now = Math.max(this.now, time);
  }

  /** The delayed messages not yet delivered, earliest first. */
  pending(): { dueAt: number; token: string; delivery: Delivery }[] {
    return [...this.#pending].sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence);
  }

  /** Drops every pending delayed message, as if they were lost: for tests of stale ticks. */
  takePending(): Delivery[] {
    const taken = this.pending().map((item) => item.delivery);
    this.#pending = [];
    return taken;
  }

  /** The stored value of `stateName` at `address`. */
  stateOf(address: PbAddress, stateName: string): PbTypedValue | undefined {
    return this.#state.get(keyOf(address))?.get(stateName);
  }

  async #invoke(delivery: Delivery): Promise<Delivery[]> {
    const { target } = delivery;
    const key = keyOf(target);
    const typename = `${target.namespace}/${target.type}`;
    for (;;) {
      const values = this.#state.get(key) ?? new Map<string, PbTypedValue>();
      const specs = this.#specs.get(typename) ?? [];
      const reply = decodeFromFunction(
        await this.#handle(
          encodeToFunction({
            target,
            state: specs.map((spec) => ({ stateName: spec.stateName, stateValue: values.get(spec.stateName) })),
            invocations: [{ caller: delivery.caller, argument: delivery.argument }],
          }),
        ),
      );
      if (reply.kind === 'incompleteInvocationContext') {
        this.incompleteAnswers++;
        const known = this.#specs.get(typename) ?? [];
        this.#specs.set(typename, [...known, ...reply.missingValues.filter((spec) => !known.some((k) => k.stateName === spec.stateName))]);
        continue;
      }
      if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
      const { result } = reply;
      for (const mutation of result.stateMutations) {
        if (mutation.mutationType === 1 && mutation.stateValue) values.set(mutation.stateName, mutation.stateValue);
        else values.delete(mutation.stateName);
      }
      this.#state.set(key, values);
      for (const delayed of result.delayedInvocations) this.#applyDelayed(key, target, delayed);
      const outgoing = result.outgoingMessages.map((message) => ({ target: message.target!, argument: message.argument!, caller: target }));
      this.sent.push(...outgoing);
      return outgoing;
    }
  }

  #applyDelayed(owner: string, sender: PbAddress, delayed: PbDelayedInvocation): void {
    if (delayed.isCancellationRequest) {
      this.#pending = this.#pending.filter((item) => !(item.owner === owner && item.token === delayed.cancellationToken));
      return;
    }
    if (delayed.cancellationToken !== '' && this.#pending.some((item) => item.owner === owner && item.token === delayed.cancellationToken)) {
      throw new Error(`a delayed message with token ${delayed.cancellationToken} is already pending (StateFun fails the job)`);
    }
    this.#pending.push({
      dueAt: this.now + delayed.delayInMs,
      sequence: this.#sequence++,
      owner,
      token: delayed.cancellationToken,
      delivery: { target: delayed.target!, argument: delayed.argument!, caller: sender },
    });
  }
}
