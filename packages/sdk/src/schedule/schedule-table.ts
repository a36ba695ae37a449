import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { PbTypedValue, PbValueSpec } from '../protocol/wire-types';
import type { ScheduleRule } from './schedule-rule';

/**
 * The reserved state value that holds an address's schedules. The sdk declares it (answers
 * `IncompleteInvocationContext` with it) only when a batch needs it: it delivers a schedule
 * tick, or the function calls `ctx.schedule` / `ctx.unschedule`. Functions without schedules
 * never see it, and their traffic stays byte for byte StateFun's.
 */
export const SCHEDULES_STATE_NAME = '__keyflow_schedules';
/** The typename of the reserved state value: JSON of {@link StoredSchedules}. */
export const SCHEDULES_STATE_TYPENAME = 'io.keyflow.sdk/Schedules';
/** State names with this prefix are Keyflow's; `@ValueSpec` rejects them. */
export const RESERVED_STATE_PREFIX = '__keyflow';

/** The spec of the reserved state value, as `IncompleteInvocationContext` sends it. */
export const SCHEDULES_STATE_SPEC: PbValueSpec = {
  stateName: SCHEDULES_STATE_NAME,
  typeTypename: SCHEDULES_STATE_TYPENAME,
  expirationSpec: undefined,
};

/** One schedule as stored. */
export interface StoredSchedule {
  /** Which `ctx.schedule` call set it; ticks of an earlier generation are stale. */
  readonly generation: number;
  readonly rule: ScheduleRule;
  /** When the armed tick is due; a tick for any other time is stale. */
  next: number;
  /** The message each tick delivers: typename and base64 of its bytes. */
  readonly message: { readonly typename: string; readonly value: string };
}

/** The reserved state value: every schedule of one address, by name. */
export interface StoredSchedules {
  /** The last generation given out. */
  generation: number;
  schedules: Record<string, StoredSchedule>;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Reads the reserved state value; none (or an empty one) is a table without schedules. */
export function readSchedules(value: PbTypedValue | undefined): StoredSchedules {
  if (!value || !value.hasValue) return { generation: 0, schedules: {} };
  if (value.typename !== SCHEDULES_STATE_TYPENAME) {
    throw new KeyflowError(
      SdkErrorCodes.TYPE_MISMATCH,
      `State '${SCHEDULES_STATE_NAME}' holds a value of type ${value.typename}, not ${SCHEDULES_STATE_TYPENAME}; the state name is reserved for Keyflow's schedules.`,
    );
  }
  try {
    const parsed = JSON.parse(utf8Decoder.decode(value.value)) as StoredSchedules;
    return { generation: parsed.generation, schedules: { ...parsed.schedules } };
  } catch (error) {
    throw new KeyflowError(
      SdkErrorCodes.SERIALIZATION_FAILED,
      `State '${SCHEDULES_STATE_NAME}' could not be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The reserved state value's bytes. Kept when no schedule is left: the generation counter must
 * not restart, or a tick of a removed schedule could pass for one of a new schedule.
 */
export function writeSchedules(table: StoredSchedules): PbTypedValue {
  return { typename: SCHEDULES_STATE_TYPENAME, hasValue: true, value: utf8Encoder.encode(JSON.stringify(table)) };
}
