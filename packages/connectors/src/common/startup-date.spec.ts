import { parseStartupDate } from './startup-date';

describe('parseStartupDate', () => {
  it.each([
    ['2020-02-01 04:15:00.000 +0000', Date.UTC(2020, 1, 1, 4, 15)],
    ['2020-02-01 04:15:00.00 Z', Date.UTC(2020, 1, 1, 4, 15)],
    ['2020-02-01 04:15:00 UTC', Date.UTC(2020, 1, 1, 4, 15)],
    ['2020-02-01 05:15:00.250 +0100', Date.UTC(2020, 1, 1, 4, 15, 0, 250)],
    ['2020-02-01 00:15:00.000 -04:00', Date.UTC(2020, 1, 1, 4, 15)],
  ])('reads %s', (text, expected) => {
    expect(parseStartupDate(text)).toBe(expected);
  });

  it.each(['2020-02-30 00:00:00.000 Z', '2020-13-01 00:00:00.000 Z', 'yesterday', '2020-02-01', '2020-02-01 04:15:00.000'])(
    'rejects %s',
    (text) => {
      expect(parseStartupDate(text)).toBeUndefined();
    },
  );
});
