/** How StateFun writes startup dates (Java's `yyyy-MM-dd HH:mm:ss.SSS Z`), for messages. */
export const STARTUP_DATE_FORMAT = "'yyyy-MM-dd HH:mm:ss.SSS Z', e.g. '2020-02-01 04:15:00.000 +0000'";

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$/;

/**
 * Parses a startup date as StateFun's module.yaml gives it (`2020-02-01 04:15:00.000 +0000`) into
 * epoch milliseconds. Also accepts fewer or more fraction digits, `Z`/`UTC`/`GMT` and `+01:00`
 * offsets, which the examples in StateFun's documentation use. Undefined when it is not a date.
 */
export function parseStartupDate(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match as unknown as string[];
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const local = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  // Date.UTC rolls 31 February over into March: reject days the month does not have.
  if (new Date(local).getUTCDate() !== d) return undefined;
  return local - offsetMillis(zone ?? 'Z');
}

function offsetMillis(zone: string): number {
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  return sign * (hours * 60 + minutes) * 60_000;
}
