import { parseDurationMillis } from './duration';

describe('parseDurationMillis', () => {
  it.each([
    // StateFun's documented forms (Flink TimeUtils labels)
    ['1 min', 60_000],
    ['2m', 120_000],
    ['15min', 900_000],
    ['1minute', 60_000],
    ['10 sec', 10_000],
    ['20s', 20_000],
    ['20seconds', 20_000],
    ['100ms', 100],
    ['250 millis', 250],
    ['2h', 7_200_000],
    ['1 hours', 3_600_000],
    ['1d', 86_400_000],
    ['3 days', 259_200_000],
    ['1500us', 2],
    ['1000000 ns', 1],
    ['5 MIN', 300_000],
    // no unit: milliseconds, as Flink reads it
    ['250', 250],
    [250, 250],
    [0, 0],
    [' 30s ', 30_000],
    ['1.5s', 1_500],
    // ISO-8601
    ['PT1M', 60_000],
    ['PT20S', 20_000],
    ['PT0.5S', 500],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['pt2m', 120_000],
  ])('reads %p as %p ms', (input, millis) => {
    expect(parseDurationMillis(input)).toBe(millis);
  });

  it.each([['1 minnn'], ['soon'], ['-5s'], [-1], [Number.NaN], ['s'], [''], ['P'], ['PT'], ['1 m 2 s'], [true], [null], [{}]])(
    'refuses %p',
    (input) => {
      expect(parseDurationMillis(input)).toBeUndefined();
    },
  );
});
