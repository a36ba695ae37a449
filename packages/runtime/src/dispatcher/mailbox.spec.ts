import { address, textOf } from '@keyflow/sdk/test-support';
import { envelope } from '../test-support/envelopes';
import { addressKey } from '../message/address-key';
import type { Envelope } from '../message/envelope';
import { Mailbox } from './mailbox';

const target = address('test/counter', 'a');

function mailboxWith(count: number): Mailbox {
  const mailbox = new Mailbox(addressKey(target), target);
  for (let index = 0; index < count; index++) mailbox.push(envelope(target, `m${index}`));
  return mailbox;
}

const texts = (envelopes: readonly Envelope[]): string[] => envelopes.map((message) => textOf(message.argument));
const names = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, index) => `m${from + index}`);

describe('Mailbox', () => {
  it('takes up to max messages, oldest first, and counts what is left', () => {
    const mailbox = mailboxWith(5);
    expect(mailbox.pendingCount).toBe(5);
    expect(texts(mailbox.take(2))).toEqual(['m0', 'm1']);
    expect(mailbox.pendingCount).toBe(3);
    expect(texts(mailbox.take(10))).toEqual(['m2', 'm3', 'm4']);
    expect(mailbox.pendingCount).toBe(0);
    expect(mailbox.take(10)).toEqual([]);
  });

  it('keeps order across pushes after takes', () => {
    const mailbox = mailboxWith(3);
    mailbox.take(2);
    mailbox.push(envelope(target, 'late'));
    expect(texts(mailbox.take(5))).toEqual(['m2', 'late']);
  });

  it('snapshots the batch in flight, then the waiting messages', () => {
    const mailbox = mailboxWith(4);
    expect(mailbox.inFlight).toBeUndefined();
    mailbox.inFlight = mailbox.take(2);
    mailbox.push(envelope(target, 'm4'));
    expect(texts(mailbox.snapshot())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    mailbox.inFlight = undefined;
    expect(texts(mailbox.snapshot())).toEqual(['m2', 'm3', 'm4']);
  });

  it('compacts its queue once more than 1024 messages were taken from its head, losing nothing', () => {
    const mailbox = mailboxWith(3_000);
    // 1025 taken: past 1024 but not half of the queue, so the head just moves.
    expect(texts(mailbox.take(1_025))).toEqual(names(0, 1_025));
    expect(mailbox.pendingCount).toBe(1_975);
    // 1600 taken in all: past 1024 and past half of the queue, so the queue is compacted.
    expect(texts(mailbox.take(575))).toEqual(names(1_025, 1_600));
    expect(mailbox.pendingCount).toBe(1_400);
    expect(texts(mailbox.snapshot())).toEqual(names(1_600, 3_000));
    mailbox.push(envelope(target, 'm3000'));
    expect(texts(mailbox.take(1_000))).toEqual(names(1_600, 2_600));
    expect(texts(mailbox.take(1_000))).toEqual(names(2_600, 3_001));
    expect(mailbox.pendingCount).toBe(0);
    expect(mailbox.snapshot()).toEqual([]);
  });

  it('keeps the pending count right through many small takes past the compaction point', () => {
    const mailbox = mailboxWith(2_100);
    const taken: string[] = [];
    while (mailbox.pendingCount > 0) {
      taken.push(...texts(mailbox.take(7)));
      if (taken.length % 700 === 0) mailbox.push(envelope(target, `extra${taken.length}`));
    }
    expect(taken.slice(0, 2_100)).toEqual(names(0, 2_100));
    expect(taken.slice(2_100)).toEqual(['extra700', 'extra1400', 'extra2100']);
  });
});
