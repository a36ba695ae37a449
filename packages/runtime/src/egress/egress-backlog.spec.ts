import { stringValue } from '@keyflow/sdk/test-support';
import { EgressBacklog, egressRecordBytes } from './egress-backlog';
import type { EgressRecord } from './egress-record';

const record = (text: string): EgressRecord => ({ egress: 'test/out', value: stringValue(text) });
const many = (count: number): EgressRecord[] => Array.from({ length: count }, (_, index) => record(`r${index % 10}`));

describe('EgressBacklog', () => {
  it('becomes full at its record bound and drained again at 90 % of it, telling each change once', () => {
    const backlog = new EgressBacklog({ maxRecords: 10, maxBytes: 1_000_000 });
    const changes: boolean[] = [];
    backlog.onChange((full) => changes.push(full));
    const first = many(9);
    backlog.add(first);
    expect(backlog.full).toBe(false);
    const tenth = many(1);
    backlog.add(tenth);
    expect(backlog.full).toBe(true);
    backlog.release(tenth);
    expect(backlog.full).toBe(false); // 9 of 10: down to 90 %, drained
    expect(changes).toEqual([true, false]);
    expect(backlog.stats()).toMatchObject({ records: 9, full: false, timesFull: 1 });
  });

  it('stays full above 90 % of the bound', () => {
    const backlog = new EgressBacklog({ maxRecords: 100, maxBytes: 1_000_000 });
    const held = many(100);
    backlog.add(held);
    backlog.release(held.slice(0, 5));
    expect(backlog.full).toBe(true);
    backlog.release(held.slice(5, 10));
    expect(backlog.full).toBe(false);
  });

  it('becomes full at its byte bound, counting value bytes and typename', () => {
    const big = record('x'.repeat(500));
    const size = egressRecordBytes(big);
    expect(size).toBeGreaterThan(500);
    const backlog = new EgressBacklog({ maxRecords: 1_000, maxBytes: size * 2 });
    backlog.add([big]);
    expect(backlog.full).toBe(false);
    backlog.add([big]);
    expect(backlog.full).toBe(true);
    expect(backlog.stats()).toMatchObject({ records: 2, bytes: size * 2 });
    backlog.release([big, big]);
    expect(backlog.stats()).toEqual({ records: 0, bytes: 0, full: false, timesFull: 1, peakRecords: 2 });
  });
});
