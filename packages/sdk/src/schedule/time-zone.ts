import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';

// Wall-clock time in an IANA time zone, read with Intl (the zone database Node ships), no
// dependency. A "wall time" is the local date and time written as if it were UTC milliseconds
// (Date.UTC of the local fields), so calendar arithmetic on it needs no zone at all.

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The zone's canonical name if `timeZone` is an IANA zone Node knows (`'Europe/Berlin'`, `'UTC'`).
 * Throws `KF_INVALID_SCHEDULE` otherwise.
 */
export function checkTimeZone(timeZone: unknown, where: string): string {
  if (typeof timeZone === 'string' && timeZone.length > 0) {
    try {
      return formatterFor(timeZone).resolvedOptions().timeZone;
    } catch {
      // falls through to the error below
    }
  }
  throw new KeyflowError(
    SdkErrorCodes.INVALID_SCHEDULE,
    `${where}: time zone ${JSON.stringify(timeZone)} is not an IANA time zone; use a name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.`,
  );
}

/** Offsets are cached per quarter hour: no zone changes its offset twice within one. */
const BUCKET_MS = 15 * 60_000;
const BUCKETS_KEPT = 50_000;
/** Per zone: bucket → the zone's offset throughout the bucket, or `null` when it changes inside. */
const offsetsByZone = new Map<string, Map<number, number | null>>();

/** The wall time (local fields as UTC milliseconds) of `instant` in `timeZone`. */
export function wallTimeOf(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return instant;
  let offsets = offsetsByZone.get(timeZone);
  if (!offsets) {
    offsets = new Map();
    offsetsByZone.set(timeZone, offsets);
  }
  const bucket = Math.floor(instant / BUCKET_MS);
  let offset = offsets.get(bucket);
  if (offset === undefined) {
    const start = bucket * BUCKET_MS;
    const end = start + BUCKET_MS - 1;
    const atStart = exactWallTimeOf(start, timeZone) - start;
    offset = exactWallTimeOf(end, timeZone) - end === atStart ? atStart : null;
    if (offsets.size >= BUCKETS_KEPT) offsets.clear();
    offsets.set(bucket, offset);
  }
  return offset === null ? exactWallTimeOf(instant, timeZone) : instant + offset;
}

/** {@link wallTimeOf} read from Intl, for one instant. */
function exactWallTimeOf(instant: number, timeZone: string): number {
  const millis = ((instant % 1000) + 1000) % 1000;
  const seconds = instant - millis;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) + millis;
}

/**
 * The instant a wall time happens in `timeZone`, resolved as schedules need it:
 * - a wall time that happens once: that instant;
 * - one that happens twice (the repeated hour when clocks go back): the first, so it fires once;
 * - one that does not happen (the hour skipped when clocks go forward): the instant the clocks
 *   jump, the next valid instant.
 * Assumes the zone's offset does not change twice within two days, true of every zone today.
 */
export function instantOfWallTime(wallTime: number, timeZone: string): number {
  if (timeZone === 'UTC') return wallTime;
  const offsetBefore = wallTimeOf(wallTime - DAY_MS, timeZone) - (wallTime - DAY_MS);
  const offsetAfter = wallTimeOf(wallTime + DAY_MS, timeZone) - (wallTime + DAY_MS);
  let first = Infinity;
  for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
    const candidate = wallTime - offset;
    if (candidate < first && wallTimeOf(candidate, timeZone) === wallTime) first = candidate;
  }
  if (first !== Infinity) return first;
  // A skipped wall time: the clocks jumped from before it to after it at one instant, between
  // these two bounds; find the first instant whose wall time is past it.
  let low = wallTime - Math.max(offsetBefore, offsetAfter);
  let high = wallTime - Math.min(offsetBefore, offsetAfter);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallTimeOf(middle, timeZone) > wallTime) high = middle;
    else low = middle;
  }
  return high;
}
