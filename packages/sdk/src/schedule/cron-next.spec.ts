import { parseCron } from './cron-expression';
import { nextCronTime } from './cron-next';

const iso = (instant: number): string => new Date(instant).toISOString();
const at = (text: string): number => Date.parse(text);

/** Every time `expression` fires in `timeZone` after `from` up to `until`, as ISO strings. */
function firings(expression: string, timeZone: string, from: string, until: string): string[] {
  const cron = parseCron(expression);
  const end = at(until);
  const result: string[] = [];
  for (let time = nextCronTime(cron, at(from), timeZone); time <= end; time = nextCronTime(cron, time, timeZone)) {
    result.push(iso(time));
  }
  return result;
}

/**
 * An oracle independent of the code under test: each whole hour of the year, read in the zone
 * with Intl directly; the hours whose local time is Mon–Fri 09:00. Berlin's offsets are whole
 * hours, so no 09:00 is missed.
 */
function weekdayNinesByHour(year: number, timeZone: string): string[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const result: string[] = [];
  for (let time = Date.UTC(year, 0, 1); time < Date.UTC(year + 1, 0, 1); time += 3_600_000) {
    const parts = Object.fromEntries(format.formatToParts(time).map((part) => [part.type, part.value]));
    if (parts['hour'] === '09' && parts['minute'] === '00' && !['Sat', 'Sun'].includes(parts['weekday'] ?? '')) result.push(iso(time));
  }
  return result;
}

describe('nextCronTime', () => {
  it('fires a year of weekdays at 09:00 in Europe/Berlin, across both DST changes, as the oracle says', () => {
    const fired = firings('0 9 * * MON-FRI', 'Europe/Berlin', '2025-12-31T23:00:00Z', '2026-12-31T22:59:59Z');
    expect(fired).toEqual(weekdayNinesByHour(2026, 'Europe/Berlin'));
    expect(fired).toHaveLength(261);
    expect(fired).toContain('2026-03-27T08:00:00.000Z'); // Friday before spring-forward: CET
    expect(fired).toContain('2026-03-30T07:00:00.000Z'); // Monday after: CEST
    expect(fired).toContain('2026-10-23T07:00:00.000Z'); // Friday before fall-back: CEST
    expect(fired).toContain('2026-10-26T08:00:00.000Z'); // Monday after: CET
  });

  it('fires UTC when the zone is UTC', () => {
    expect(firings('*/20 23 31 12 *', 'UTC', '2026-12-31T22:59:00Z', '2027-01-01T01:00:00Z')).toEqual([
      '2026-12-31T23:00:00.000Z',
      '2026-12-31T23:20:00.000Z',
      '2026-12-31T23:40:00.000Z',
    ]);
  });

  describe('spring forward (a wall time that does not exist fires once, at the next valid instant)', () => {
    it('Europe/Berlin 2026-03-29, 02:30 does not exist: fires at 03:00 CEST', () => {
      expect(firings('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST, the instant the clocks jump
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
      ]);
    });

    it('Europe/Berlin: four skipped quarter hours and a matching 03:00 fire once together', () => {
      expect(firings('*/15 2,3 29 3 *', 'Europe/Berlin', '2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z')).toEqual([
        '2026-03-29T01:00:00.000Z', // 02:00–02:45 skipped, 03:00 itself: one firing
        '2026-03-29T01:15:00.000Z',
        '2026-03-29T01:30:00.000Z',
        '2026-03-29T01:45:00.000Z',
      ]);
    });

    it('America/New_York 2026-03-08, 02:00–02:59 do not exist', () => {
      expect(firings('0 2 * * *', 'America/New_York', '2026-03-07T00:00:00Z', '2026-03-09T12:00:00Z')).toEqual([
        '2026-03-07T07:00:00.000Z', // 02:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-09T06:00:00.000Z', // 02:00 EDT
      ]);
    });

    it('an hourly cron does not fire twice at the jump', () => {
      expect(firings('0 * * * *', 'America/New_York', '2026-03-08T05:30:00Z', '2026-03-08T08:30:00Z')).toEqual([
        '2026-03-08T06:00:00.000Z', // 01:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT (02:00 does not exist)
        '2026-03-08T08:00:00.000Z', // 04:00 EDT
      ]);
    });
  });

  describe('fall back (a wall time that happens twice fires once, at its first occurrence)', () => {
    it('Europe/Berlin 2026-10-25, 02:30 happens in CEST and in CET', () => {
      expect(firings('30 2 * * *', 'Europe/Berlin', '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual([
        '2026-10-24T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first one; not again at 01:30Z
        '2026-10-26T01:30:00.000Z', // 02:30 CET
      ]);
    });

    it('America/New_York 2026-11-01, 01:30 happens in EDT and in EST', () => {
      expect(firings('30 1 * * *', 'America/New_York', '2026-10-31T00:00:00Z', '2026-11-02T12:00:00Z')).toEqual([
        '2026-10-31T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT, the first one; not again at 06:30Z
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ]);
    });

    it('an hourly cron fires each wall hour once through the repeated hour', () => {
      expect(firings('0 * * * *', 'America/New_York', '2026-11-01T03:30:00Z', '2026-11-01T08:30:00Z')).toEqual([
        '2026-11-01T04:00:00.000Z', // 00:00 EDT
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T07:00:00.000Z', // 02:00 EST (01:00 EST is the repeated wall time)
        '2026-11-01T08:00:00.000Z', // 03:00 EST
      ]);
    });

    it('asked from inside the repeated hour, does not fire that wall time again', () => {
      const cron = parseCron('30 1 * * *');
      // 01:10 EST, the second 01:10: 01:30 already fired (05:30Z, EDT) and is not repeated.
      expect(iso(nextCronTime(cron, at('2026-11-01T06:10:00Z'), 'America/New_York'))).toBe('2026-11-02T06:30:00.000Z');
    });
  });

  it('matches either day when both day fields are restricted', () => {
    // The 13th, or any Friday: June 2026 has Fridays 5, 12, 19, 26 and the 13th is a Saturday.
    const days = firings('0 0 13 * FRI', 'UTC', '2026-06-01T00:00:00Z', '2026-06-30T23:59:00Z').map((time) => time.slice(8, 10));
    expect(days).toEqual(['05', '12', '13', '19', '26']);
  });

  it('finds 29 February years ahead', () => {
    expect(iso(nextCronTime(parseCron('0 12 29 2 *'), at('2026-01-01T00:00:00Z'), 'Europe/Berlin'))).toBe('2028-02-29T11:00:00.000Z');
  });

  it('fires strictly after the given instant', () => {
    const cron = parseCron('0 9 * * *');
    expect(iso(nextCronTime(cron, at('2026-05-05T09:00:00Z'), 'UTC'))).toBe('2026-05-06T09:00:00.000Z');
    expect(iso(nextCronTime(cron, at('2026-05-05T08:59:59.999Z'), 'UTC'))).toBe('2026-05-05T09:00:00.000Z');
  });
});
