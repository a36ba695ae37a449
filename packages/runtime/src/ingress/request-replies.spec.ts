import { RequestReplies } from './request-replies';

const reply = (text: string) => ({ typename: 'io.statefun.types/string', value: Buffer.from(text) });
const deleted = (ops: { type: string; key: string }[]): string[] => ops.filter((op) => op.type === 'del').map((op) => op.key.slice(-2));

describe('RequestReplies', () => {
  it('lets the oldest go once more than maxKept are kept, counting them apart from those whose retention is over', () => {
    const replies = new RequestReplies({ retentionMs: 1_000, maxKept: 2 });
    for (const seq of [0, 1, 2]) replies.add(seq, `id-${seq}`, 0);
    replies.answer(0, reply('a'));

    // Three kept, two allowed: the oldest goes, answered or not.
    expect(deleted(replies.capture(0))).toEqual(['00']);
    replies.committed();
    expect(replies.droppedEarly).toBe(1);
    expect(replies.lookup(0, 'id-0')).toEqual({ status: 'unknown' });
    expect(replies.lookup(1, 'id-1')).toEqual({ status: 'pending' });
    // A reply to a request let go is not taken.
    expect(replies.answer(0, reply('late'))).toBe(false);

    // Later, 1 and 2 are past their retention: they go as expired, not counted as let go early.
    replies.add(3, 'id-3', 500);
    expect(deleted(replies.capture(1_200))).toEqual(['01', '02']);
    replies.committed();
    expect(replies.droppedEarly).toBe(1);
    expect(replies.lookup(3, 'id-3')).toEqual({ status: 'pending' });
  });
});
