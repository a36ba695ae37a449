import type { CronExpression } from './cron-expression';
import { instantOfWallTime, wallTimeOf } from './time-zone';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Every satisfiable expression fires within 8 years (29 February, across a skipped leap year). */
const SEARCH_LIMIT_MS = 9 * 366 * DAY_MS;

/**
 * The first instant after `after` (milliseconds since the epoch) at which `cron` fires in
 * `timeZone`. Cron matches wall-clock time, and each wall time fires at most once:
 * - a wall time skipped when clocks go forward fires at the instant they jump (once, however
 *   many skipped wall times match);
 * - a wall time repeated when clocks go back fires at its first occurrence only.
 * Fixed-rate schedules that must follow elapsed time through DST changes use `{ every }`.
 */
export function nextCronTime(cron: CronExpression, after: number, timeZone: string): number {
  let wall = wallTimeOf(after, timeZone);
  const limit = wall + SEARCH_LIMIT_MS;
  for (;;) {
    wall = nextMatchingWallTime(cron, wall, limit);
    const instant = instantOfWallTime(wall, timeZone);
    // Not after `after`: a repeated wall time whose first occurrence has passed, or a skipped
    // one whose jump instant has; either fired already.
    if (instant > after) return instant;
  }
}

/** The first whole minute after `wall` whose calendar fields match `cron`. */
function nextMatchingWallTime(cron: CronExpression, wall: number, limit: number): number {
  let time = Math.floor(wall / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  while (time <= limit) {
    const date = new Date(time);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    if (!cron.months[month + 1]) {
      time = Date.UTC(year, month + 1, 1);
      continue;
    }
    if (!dayMatches(cron, date.getUTCDate(), date.getUTCDay())) {
      time = Date.UTC(year, month, date.getUTCDate() + 1);
      continue;
    }
    if (!cron.hours[date.getUTCHours()]) {
      time = Math.floor(time / HOUR_MS) * HOUR_MS + HOUR_MS;
      continue;
    }
    if (!cron.minutes[date.getUTCMinutes()]) {
      time += MINUTE_MS;
      continue;
    }
    return time;
  }
  // parseCron rejects expressions that never fire, so this is a bug, not a user error.
  throw new Error(`cron '${cron.source}' found no time within 9 years of ${new Date(wall).toISOString()}`);
}

function dayMatches(cron: CronExpression, dayOfMonth: number, dayOfWeek: number): boolean {
  const byMonth = cron.daysOfMonth[dayOfMonth] === true;
  const byWeek = cron.daysOfWeek[dayOfWeek] === true;
  return cron.daysEither ? byMonth || byWeek : byMonth && byWeek;
}
