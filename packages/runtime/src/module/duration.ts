// Durations as StateFun reads them (Flink's TimeUtils: a whole number, optional spaces, a unit
// label such as `ms`, `s`, `sec`, `min`, `m`, `h`, `d` or their long forms; no unit means
// milliseconds), plus ISO-8601 (`PT1M`) and plain YAML numbers of milliseconds.

const LABELS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [86_400_000, ['d', 'day', 'days']],
  [3_600_000, ['h', 'hour', 'hours']],
  [60_000, ['m', 'min', 'mins', 'minute', 'minutes']],
  [1_000, ['s', 'sec', 'secs', 'second', 'seconds']],
  [1, ['ms', 'milli', 'millis', 'millisecond', 'milliseconds']],
  [0.001, ['µs', 'us', 'micro', 'micros', 'microsecond', 'microseconds']],
  [0.000_001, ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds']],
];

const MILLIS_PER_LABEL: ReadonlyMap<string, number> = new Map(
  LABELS.flatMap(([millis, labels]) => labels.map((label) => [label, millis] as const)),
);

const UNIT_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-zµ]*)$/;
const ISO_PATTERN = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** What a duration may look like, for "expected a duration, …" in error messages. */
export const DURATION_EXAMPLES = "such as '100ms', '20s', '1m', '1 min', '2h', 'PT1M', or a number of milliseconds";

/**
 * Milliseconds of a StateFun duration (`'1m'`, `'20 sec'`, `'15min'`, `'100ms'`, `'2h'`,
 * `'1minute'`, `'PT1M'`, or a non-negative number of milliseconds), rounded to whole
 * milliseconds; undefined when `value` is not a duration.
 *
 * @example parseDurationMillis('1 min') // 60000
 */
export function parseDurationMillis(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso = ISO_PATTERN.exec(text.toUpperCase());
  if (iso && text.length > 1 && !text.toUpperCase().endsWith('T')) {
    const [, days, hours, minutes, seconds] = iso;
    return Math.round(
      Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1_000,
    );
  }
  const match = UNIT_PATTERN.exec(text.toLowerCase());
  if (!match) return undefined;
  const [, amount = '', label = ''] = match;
  const millisPerUnit = label === '' ? 1 : MILLIS_PER_LABEL.get(label);
  return millisPerUnit === undefined ? undefined : Math.round(Number(amount) * millisPerUnit);
}
