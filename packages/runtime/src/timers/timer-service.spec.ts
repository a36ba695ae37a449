import type { Envelope } from '../message/envelope';
import type { BackendOp } from '../state/state-backend';
import { address, textOf } from '@keyflow/sdk/test-support';
import { envelope } from '../test-support/envelopes';
import { timerKey } from '../state/keyspace';
import { decodeDelayedMessage, encodeDelayedMessage, type DelayedMessage } from './delayed-message';
import { TimerService } from './timer-service';

const START = 1_000_000;
const target = address('test/sink', 'x');
const OWNER_A = 'test/counter\u0000a';
const OWNER_B = 'test/counter\u0000b';

function service(): { timers: TimerService; delivered: string[] } {
  const delivered: string[] = [];
  const timers = new TimerService((message: Envelope) => delivered.push(textOf(message.argument)));
  return { timers, delivered };
}

function describeOps(ops: readonly BackendOp[]): string[] {
  return ops.map((op) =>
    op.type === 'put' ? `put ${op.key} ${textOf(decodeDelayedMessage(op.value).envelope.argument)}` : `del ${op.key}`,
  );
}

describe('TimerService', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('delivers by due time, then in creation order for equal due times', () => {
    const { timers, delivered } = service();
    timers.start();
    timers.schedule(OWNER_A, '', envelope(target, 'c@300'), START + 300);
    timers.schedule(OWNER_A, '', envelope(target, 'a@100'), START + 100);
    timers.schedule(OWNER_B, '', envelope(target, 'b@100'), START + 100);
    timers.schedule(OWNER_A, '', envelope(target, 'd@100'), START + 100);
    timers.schedule(OWNER_A, '', envelope(target, 'e@200'), START + 200);

    jest.advanceTimersByTime(99);
    expect(delivered).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(delivered).toEqual(['a@100', 'b@100', 'd@100']);
    jest.advanceTimersByTime(200);
    expect(delivered).toEqual(['a@100', 'b@100', 'd@100', 'e@200', 'c@300']);
    expect(timers.size).toBe(0);
  });

  it('delivers nothing before start() or after stop(), and what is due at once when started', () => {
    const { timers, delivered } = service();
    timers.schedule(OWNER_A, '', envelope(target, 'past'), START - 10);
    timers.schedule(OWNER_A, '', envelope(target, 'soon'), START + 50);
    jest.advanceTimersByTime(1_000);
    expect(delivered).toEqual([]);

    timers.start();
    jest.advanceTimersByTime(0);
    expect(delivered).toEqual(['past', 'soon']);

    timers.schedule(OWNER_A, '', envelope(target, 'after-stop'), Date.now() + 10);
    timers.stop();
    jest.advanceTimersByTime(1_000);
    expect(delivered).toEqual(['past', 'soon']);
    expect(timers.pendingMessages().map((message) => textOf(message.envelope.argument))).toEqual(['after-stop']);
    timers.start();
    jest.advanceTimersByTime(0);
    expect(delivered).toEqual(['past', 'soon', 'after-stop']);
  });

  it('re-arms for a message due earlier than the one it waits for', () => {
    const { timers, delivered } = service();
    timers.start();
    timers.schedule(OWNER_A, '', envelope(target, 'late'), START + 10_000);
    timers.schedule(OWNER_A, '', envelope(target, 'early'), START + 100);
    jest.advanceTimersByTime(100);
    expect(delivered).toEqual(['early']);
    jest.advanceTimersByTime(9_900);
    expect(delivered).toEqual(['early', 'late']);
  });

  it('cancels by (owner, token): the same token of another owner is untouched, an unknown one is a no-op', () => {
    const { timers, delivered } = service();
    timers.start();
    timers.schedule(OWNER_A, 'tok', envelope(target, 'a-tok'), START + 100);
    timers.schedule(OWNER_B, 'tok', envelope(target, 'b-tok'), START + 100);
    timers.schedule(OWNER_A, '', envelope(target, 'a-plain'), START + 100);
    timers.takeOps();

    timers.cancel(OWNER_A, 'tok');
    timers.cancel(OWNER_A, 'unknown');
    timers.cancel(OWNER_B, '');
    expect(describeOps(timers.takeOps())).toEqual([`del ${timerKey(1)}`]);
    jest.advanceTimersByTime(100);
    expect(delivered).toEqual(['b-tok', 'a-plain']);

    // Once delivered, a token is free again and cancelling it does nothing.
    timers.cancel(OWNER_B, 'tok');
    expect(timers.takeOps()).toEqual([{ type: 'del', key: timerKey(2) }, { type: 'del', key: timerKey(3) }]);
  });

  it('replaces a pending message when the same owner schedules the same token again', () => {
    const { timers, delivered } = service();
    timers.start();
    timers.schedule(OWNER_A, 'tok', envelope(target, 'first'), START + 100);
    timers.schedule(OWNER_A, 'tok', envelope(target, 'second'), START + 200);
    expect(timers.size).toBe(1);
    jest.advanceTimersByTime(150);
    expect(delivered).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(delivered).toEqual(['second']);
    expect(describeOps(timers.takeOps())).toEqual([
      `put ${timerKey(1)} first`,
      `del ${timerKey(1)}`,
      `put ${timerKey(2)} second`,
      `del ${timerKey(2)}`,
    ]);
  });

  it('records every change as backend operations, and puts taken ones back ahead of newer ones', () => {
    const { timers } = service();
    timers.start();
    const message = envelope(target, 'm1', address('test/counter', 'a'));
    timers.schedule(OWNER_A, 'tok', message, START + 100);
    const taken = timers.takeOps();
    expect(taken).toHaveLength(1);
    const [put] = taken;
    expect(put?.type === 'put' && decodeDelayedMessage(put.value)).toEqual({
      id: 1,
      dueAt: START + 100,
      owner: OWNER_A,
      token: 'tok',
      envelope: message,
    });
    expect(timers.takeOps()).toEqual([]);

    jest.advanceTimersByTime(100);
    timers.restoreOps(taken);
    expect(describeOps(timers.takeOps())).toEqual([`put ${timerKey(1)} m1`, `del ${timerKey(1)}`]);
  });

  it('restores persisted messages: due order, cancellable, ids continued, no operations', () => {
    const persisted: DelayedMessage[] = [
      { id: 7, dueAt: START + 300, owner: OWNER_A, token: '', envelope: envelope(target, 'r7') },
      { id: 3, dueAt: START + 100, owner: OWNER_A, token: 'tok', envelope: envelope(target, 'r3') },
      { id: 5, dueAt: START + 100, owner: OWNER_B, token: '', envelope: envelope(target, 'r5') },
    ].map((message) => decodeDelayedMessage(encodeDelayedMessage(message)));
    const { timers, delivered } = service();
    timers.restore(persisted);
    expect(timers.takeOps()).toEqual([]);
    expect(timers.pendingMessages().map((message) => message.id)).toEqual([3, 5, 7]);

    timers.schedule(OWNER_B, '', envelope(target, 'new'), START + 200);
    expect(timers.pendingMessages().map((message) => message.id)).toEqual([3, 5, 8, 7]);
    timers.cancel(OWNER_A, 'tok');

    timers.start();
    jest.advanceTimersByTime(300);
    expect(delivered).toEqual(['r5', 'new', 'r7']);
  });
});
