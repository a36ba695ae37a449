import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';

/**
 * A parsed five-field cron expression, `minute hour day-of-month month day-of-week`. Each field
 * is a set of allowed values; see {@link parseCron} for the syntax.
 */
export interface CronExpression {
  /** The expression as written. */
  readonly source: string;
  /** `allowed[value]` is true for each value the field matches (day of week: 0 = Sunday). */
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  readonly daysOfMonth: readonly boolean[];
  readonly months: readonly boolean[];
  readonly daysOfWeek: readonly boolean[];
  /**
   * As in Vixie cron: when both day fields are restricted (neither starts with `*`), a day
   * matches if either matches; otherwise both must (the `*` one matches every day).
   */
  readonly daysEither: boolean;
}

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The first value of `names` (JAN = 1, SUN = 0). */
  readonly namesFrom?: number;
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    namesFrom: 1,
  },
  // 7 is Sunday too, as in every cron; it is folded onto 0 after parsing.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], namesFrom: 0 },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The most days each month can have (February: in a leap year). */
const MAX_DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a cron expression of five fields: `minute hour day-of-month month day-of-week`.
 * Each field is `*`, a value, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n`, or a list of these
 * separated by commas. Months may be written `JAN`–`DEC`, days of week `SUN`–`SAT` (0 or 7 is
 * Sunday), in any case. `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly` are accepted.
 * Throws `KF_INVALID_CRON` with the field at fault, or when the expression can never fire.
 *
 * @example
 * parseCron('0 9 * * MON-FRI');   // 09:00 on weekdays
 * parseCron('*\/15 8-18 * * *');   // every quarter hour from 08:00 to 18:45
 */
export function parseCron(expression: string): CronExpression {
  if (typeof expression !== 'string') {
    throw invalid(String(expression), `expected a string, got ${typeof expression}`);
  }
  const source = expression;
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw invalid(source, `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`);
  }
  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = fields.map((field, index) =>
    parseField(source, field, FIELDS[index] as FieldRule),
  ) as [boolean[], boolean[], boolean[], boolean[], boolean[]];
  const daysOfWeek = rawDaysOfWeek.slice(0, 7);
  if (rawDaysOfWeek[7]) daysOfWeek[0] = true;
  const daysEither = !(fields[2] as string).startsWith('*') && !(fields[4] as string).startsWith('*');
  const cron: CronExpression = { source, minutes, hours, daysOfMonth, months, daysOfWeek, daysEither };
  if (!canFire(cron)) {
    throw invalid(source, 'no month selected has any of the days of month selected, so it never fires');
  }
  return cron;
}

/** True when some selected month has some selected day (a weekday rule alone always can). */
function canFire(cron: CronExpression): boolean {
  if (cron.daysEither) return true;
  for (let month = 1; month <= 12; month++) {
    if (!cron.months[month]) continue;
    for (let day = 1; day <= (MAX_DAYS_IN_MONTH[month] as number); day++) {
      if (cron.daysOfMonth[day]) return true;
    }
  }
  return false;
}

function parseField(source: string, field: string, rule: FieldRule): boolean[] {
  const allowed = new Array<boolean>(rule.max + 1).fill(false);
  for (const item of field.split(',')) {
    const where = `${rule.name} field '${field}'`;
    const [range, stepText, extra] = item.split('/');
    if (range === undefined || range === '' || extra !== undefined) throw invalid(source, `${where}: '${item}' is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      step = parseNumber(source, stepText, where);
      if (step < 1) throw invalid(source, `${where}: the step must be at least 1`);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = rule.min;
      to = rule.max;
    } else {
      const [first, last, more] = range.split('-');
      if (more !== undefined || first === undefined) throw invalid(source, `${where}: '${range}' is not a value or range`);
      from = parseValue(source, first, rule, where);
      // `a/n` runs from a to the field's end, as in Vixie cron.
      to = last !== undefined ? parseValue(source, last, rule, where) : stepText !== undefined ? rule.max : from;
      if (from > to) throw invalid(source, `${where}: the range ${range} runs backwards; write it from low to high`);
    }
    for (let value = from; value <= to; value += step) allowed[value] = true;
  }
  return allowed;
}

function parseValue(source: string, text: string, rule: FieldRule, where: string): number {
  const index = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = index >= 0 ? index + (rule.namesFrom ?? 0) : parseNumber(source, text, where);
  if (value < rule.min || value > rule.max) {
    throw invalid(source, `${where}: ${text} is out of range ${rule.min}-${rule.max}`);
  }
  return value;
}

function parseNumber(source: string, text: string, where: string): number {
  if (!/^\d+$/.test(text)) throw invalid(source, `${where}: '${text}' is not a number${where.startsWith('month') || where.startsWith('day of week') ? ' or a name' : ''}`);
  return Number(text);
}

function invalid(source: string, reason: string): KeyflowError {
  return new KeyflowError(
    SdkErrorCodes.INVALID_CRON,
    `Cron expression '${source}' is invalid: ${reason}. Expected 'minute hour day-of-month month day-of-week', e.g. '0 9 * * MON-FRI'.`,
  );
}
