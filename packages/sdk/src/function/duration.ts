import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';

/**
 * A length of time: milliseconds as a number, or a string with a unit,
 * `'250ms' | '30s' | '5m' | '2h' | '1d'`.
 */
export type Duration = number | `${number}${DurationUnit}`;

type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const MILLIS_PER_UNIT: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Converts a {@link Duration} to whole milliseconds. Throws `KF_INVALID_DURATION`. */
export function toMillis(duration: Duration, where = 'duration'): number {
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return Math.round(duration);
  } else if (typeof duration === 'string') {
    const match = DURATION_PATTERN.exec(duration.trim());
    if (match) return Math.round(Number(match[1]) * MILLIS_PER_UNIT[match[2] as DurationUnit]);
  }
  throw new KeyflowError(
    SdkErrorCodes.INVALID_DURATION,
    `${where} ${JSON.stringify(duration)} is invalid: expected milliseconds (a number ≥ 0) or a string like '250ms', '30s', '5m', '2h', '1d'.`,
  );
}
