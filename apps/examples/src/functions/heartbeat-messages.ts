import { jsonType } from '@keyflow/sdk';

/**
 * What a heartbeat is asked to do: start beating (every minute unless told `every` or a `cron`
 * with an optional IANA `timeZone`), or stop. Starting again replaces the schedule.
 */
export type HeartbeatCommand =
  | { readonly op: 'start'; readonly every?: string; readonly cron?: string; readonly timeZone?: string }
  | { readonly op: 'stop' };

/** What each beat publishes: which heartbeat, its count, when the beat was due and how many were missed. */
export interface Beat {
  readonly id: string;
  readonly beat: number;
  readonly scheduledAt: string;
  readonly missed: number;
}

/** The wire type of {@link HeartbeatCommand}. */
export const HeartbeatCommandType = jsonType<HeartbeatCommand>('example/HeartbeatCommand');
/** The wire type of {@link Beat}. */
export const BeatType = jsonType<Beat>('example/Beat');
