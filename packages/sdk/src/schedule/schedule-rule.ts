import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { toMillis, type Duration } from '../function/duration';
import { parseCron, type CronExpression } from './cron-expression';
import { nextCronTime } from './cron-next';
import { checkTimeZone } from './time-zone';

/**
 * When a schedule fires: at a fixed rate (`{ every: '5m' }`, counted from when it was set), or
 * on a cron expression in a time zone (`{ cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' }`,
 * UTC when left out).
 */
export type ScheduleSpec = { readonly every: Duration } | { readonly cron: string; readonly timeZone?: string };

/** A schedule's rule as it is stored: plain JSON, resolved against the time it was set. */
export type ScheduleRule =
  | { readonly every: number; readonly anchor: number }
  | { readonly cron: string; readonly timeZone: string };

/** Parsed expressions by source: a tick re-reads its schedule's rule from state. */
const parsedCrons = new Map<string, CronExpression>();
const PARSED_CRONS_KEPT = 1000;

function cronOf(source: string): CronExpression {
  let cron = parsedCrons.get(source);
  if (!cron) {
    cron = parseCron(source);
    if (parsedCrons.size >= PARSED_CRONS_KEPT) parsedCrons.clear();
    parsedCrons.set(source, cron);
  }
  return cron;
}

/**
 * Validates `spec` and resolves it into a stored rule, a fixed rate counting from `now`. Throws
 * `KF_INVALID_SCHEDULE` (or `KF_INVALID_CRON`, `KF_INVALID_DURATION`) naming `where`.
 */
export function ruleOf(spec: ScheduleSpec, now: number, where: string): ScheduleRule {
  const given = spec as { every?: unknown; cron?: unknown; timeZone?: unknown } | null;
  if (given !== null && typeof given === 'object') {
    if (given.every !== undefined && given.cron === undefined) {
      const every = toMillis(given.every as Duration, `${where}: every`);
      if (every >= 1) return { every, anchor: now };
    } else if (typeof given.cron === 'string' && given.every === undefined) {
      cronOf(given.cron);
      return { cron: given.cron, timeZone: given.timeZone === undefined ? 'UTC' : checkTimeZone(given.timeZone, where) };
    }
  }
  throw new KeyflowError(
    SdkErrorCodes.INVALID_SCHEDULE,
    `${where}: expected { every: '5m' } (at least 1 ms) or { cron: '0 9 * * MON-FRI', timeZone?: 'Europe/Berlin' }, got ${JSON.stringify(spec)}.`,
  );
}

/** The first time the rule fires after `after`. */
export function nextFireTime(rule: ScheduleRule, after: number): number {
  if ('every' in rule) {
    const periods = Math.floor((after - rule.anchor) / rule.every) + 1;
    return rule.anchor + Math.max(1, periods) * rule.every;
  }
  return nextCronTime(cronOf(rule.cron), after, rule.timeZone);
}

/**
 * How many times the rule fires after `after` up to and including `until`: the ticks a tick
 * that was due at `after` but is handled at `until` stands for besides itself.
 */
export function fireTimesBetween(rule: ScheduleRule, after: number, until: number): number {
  if (until <= after) return 0;
  if ('every' in rule) return Math.floor((until - after) / rule.every);
  let count = 0;
  for (let time = nextFireTime(rule, after); time <= until; time = nextFireTime(rule, time)) count++;
  return count;
}
