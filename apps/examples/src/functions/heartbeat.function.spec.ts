import { createRequestHandler } from '@keyflow/sdk';
import {
  PbMutationType,
  decodeFromFunction,
  encodeToFunction,
  type PbAddress,
  type PbDelayedInvocation,
  type PbTypedValue,
  type PbValueSpec,
} from '@keyflow/sdk/protocol';
import { Heartbeat } from './heartbeat.function';
import { BeatType, HeartbeatCommandType, type Beat, type HeartbeatCommand } from './heartbeat-messages';

const MINUTE = 60_000;
const self: PbAddress = { namespace: 'example', type: 'heartbeat', id: 'h1' };

/**
 * Plays a StateFun runtime for one heartbeat with a clock the test moves: sends the state it
 * learned to declare, keeps the delayed messages by cancellation token, delivers them when due.
 */
class HeartbeatInstance {
  now: number;
  readonly beats: Beat[] = [];
  readonly #handle = createRequestHandler([Heartbeat], { clock: () => this.now });
  readonly #specs: PbValueSpec[] = [];
  readonly #state = new Map<string, PbTypedValue>();
  #pending: { dueAt: number; token: string; argument: PbTypedValue }[] = [];

  constructor(start: number) {
    this.now = start;
  }

  command(command: HeartbeatCommand): Promise<void> {
    return this.#deliver({ typename: HeartbeatCommandType.typename, hasValue: true, value: HeartbeatCommandType.serialize(command) });
  }

  async advanceTo(time: number): Promise<void> {
    for (let next = this.#earliest(); next && next.dueAt <= time; next = this.#earliest()) {
      this.#pending = this.#pending.filter((item) => item !== next);
      this.now = Math.max(this.now, next.dueAt);
      await this.#deliver(next.argument);
    }
    this.now = time;
  }

  pendingCount(): number {
    return this.#pending.length;
  }

  #earliest() {
    return [...this.#pending].sort((a, b) => a.dueAt - b.dueAt)[0];
  }

  async #deliver(argument: PbTypedValue): Promise<void> {
    for (;;) {
      const reply = decodeFromFunction(
        await this.#handle(
          encodeToFunction({
            target: self,
            state: this.#specs.map((spec) => ({ stateName: spec.stateName, stateValue: this.#state.get(spec.stateName) })),
            invocations: [{ caller: undefined, argument }],
          }),
        ),
      );
      if (reply.kind === 'incompleteInvocationContext') {
        this.#specs.push(...reply.missingValues);
        continue;
      }
      if (reply.kind !== 'invocationResult') throw new Error(`unexpected ${reply.kind}`);
      for (const mutation of reply.result.stateMutations) {
        if (mutation.mutationType === PbMutationType.MODIFY && mutation.stateValue) this.#state.set(mutation.stateName, mutation.stateValue);
        else this.#state.delete(mutation.stateName);
      }
      reply.result.delayedInvocations.forEach((delayed) => this.#delay(delayed));
      for (const egress of reply.result.outgoingEgresses) this.beats.push(BeatType.deserialize(egress.argument?.value ?? new Uint8Array(0)));
      return;
    }
  }

  #delay(delayed: PbDelayedInvocation): void {
    this.#pending = this.#pending.filter((item) => item.token !== delayed.cancellationToken);
    if (!delayed.isCancellationRequest && delayed.argument) {
      this.#pending.push({ dueAt: this.now + delayed.delayInMs, token: delayed.cancellationToken, argument: delayed.argument });
    }
  }
}

describe('example/heartbeat', () => {
  const start = Date.parse('2026-12-03T08:00:00Z');

  it('beats every minute once started, each beat once and on time, until stopped', async () => {
    const heartbeat = new HeartbeatInstance(start);
    await heartbeat.command({ op: 'start' });
    await heartbeat.advanceTo(start + 3 * MINUTE);
    expect(heartbeat.beats).toEqual([1, 2, 3].map((beat) => ({ id: 'h1', beat, scheduledAt: new Date(start + beat * MINUTE).toISOString(), missed: 0 })));
    await heartbeat.command({ op: 'stop' });
    expect(heartbeat.pendingCount()).toBe(0);
    await heartbeat.advanceTo(start + 60 * MINUTE);
    expect(heartbeat.beats).toHaveLength(3);
  });

  it('beats on a cron in a time zone: 09:00 Berlin on weekdays', async () => {
    const heartbeat = new HeartbeatInstance(start); // Thursday 09:00 Berlin
    await heartbeat.command({ op: 'start', cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' });
    await heartbeat.advanceTo(Date.parse('2026-12-09T00:00:00Z'));
    expect(heartbeat.beats.map((beat) => beat.scheduledAt)).toEqual([
      '2026-12-04T08:00:00.000Z', // Friday
      '2026-12-07T08:00:00.000Z', // Monday
      '2026-12-08T08:00:00.000Z', // Tuesday
    ]);
  });

  it('reports beats missed while nothing ran as one beat with the count', async () => {
    const heartbeat = new HeartbeatInstance(start);
    await heartbeat.command({ op: 'start', every: '1m' });
    heartbeat.now = start + 10.5 * MINUTE; // nothing delivered for ten minutes
    await heartbeat.advanceTo(start + 11 * MINUTE);
    expect(heartbeat.beats.map((beat) => [beat.beat, beat.missed])).toEqual([
      [1, 9],
      [2, 0],
    ]);
  });
});
