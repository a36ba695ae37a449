import { SdkErrorCodes } from '../errors/error-codes';
import { expectThrowsCode } from '../test-support/keyflow-errors';
import { parseCron } from './cron-expression';

/** The values a field allows, as a list. */
const values = (allowed: readonly boolean[]): number[] =>
  allowed.flatMap((yes, value) => (yes ? [value] : []));

describe('parseCron', () => {
  it('reads values, ranges, steps and lists', () => {
    const cron = parseCron('0,30 8-10 */10 1-12/3 *');
    expect(values(cron.minutes)).toEqual([0, 30]);
    expect(values(cron.hours)).toEqual([8, 9, 10]);
    expect(values(cron.daysOfMonth)).toEqual([1, 11, 21, 31]);
    expect(values(cron.months)).toEqual([1, 4, 7, 10]);
    expect(values(cron.daysOfWeek)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('runs a/n from a to the end of the field, as Vixie cron', () => {
    expect(values(parseCron('50/5 * * * *').minutes)).toEqual([50, 55]);
  });

  it('reads month and weekday names in any case, and 7 as Sunday', () => {
    const cron = parseCron('0 9 * jan,Mar-MAY MON-FRI');
    expect(values(cron.months)).toEqual([1, 3, 4, 5]);
    expect(values(cron.daysOfWeek)).toEqual([1, 2, 3, 4, 5]);
    expect(values(parseCron('0 0 * * 5-7').daysOfWeek)).toEqual([0, 5, 6]);
    expect(values(parseCron('0 0 * * SAT,SUN').daysOfWeek)).toEqual([0, 6]);
  });

  it('matches either day field when both are restricted, both otherwise', () => {
    expect(parseCron('0 0 1 * MON').daysEither).toBe(true);
    expect(parseCron('0 0 * * MON').daysEither).toBe(false);
    expect(parseCron('0 0 */2 * MON').daysEither).toBe(false);
  });

  it('expands macros', () => {
    const daily = parseCron('@daily');
    expect(values(daily.minutes)).toEqual([0]);
    expect(values(daily.hours)).toEqual([0]);
    expect(values(parseCron('@hourly').hours)).toHaveLength(24);
    expect(daily.source).toBe('@daily');
  });

  it.each([
    ['too few fields', '0 9 * *'],
    ['too many fields', '0 9 * * * 2026'],
    ['a minute out of range', '60 * * * *'],
    ['an hour out of range', '0 24 * * *'],
    ['day of month 0', '0 0 0 * *'],
    ['month 13', '0 0 1 13 *'],
    ['weekday 8', '0 0 * * 8'],
    ['a backwards range', '0 0 * * FRI-MON'],
    ['a zero step', '*/0 * * * *'],
    ['a step without a range', '/5 * * * *'],
    ['two steps', '*/5/2 * * * *'],
    ['an unknown name', '0 0 * * MOON'],
    ['a negative number', '-1 * * * *'],
    ['an empty list item', '1,,2 * * * *'],
    ['a date that never comes', '0 0 30 2 *'],
    ['31 April', '0 0 31 4 *'],
  ])('rejects %s with KF_INVALID_CRON', (_what, expression) => {
    expectThrowsCode(() => parseCron(expression), SdkErrorCodes.INVALID_CRON);
  });

  it('accepts 29 February (it comes in leap years)', () => {
    expect(values(parseCron('0 0 29 2 *').daysOfMonth)).toEqual([29]);
  });

  it('rejects a value that is not a string', () => {
    expectThrowsCode(() => parseCron(5 as unknown as string), SdkErrorCodes.INVALID_CRON);
  });
});
