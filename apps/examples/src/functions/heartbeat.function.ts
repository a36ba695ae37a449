import { StatefulFunction, Types, ValueSpec, egressMessage, type Context, type Duration, type Message } from '@keyflow/sdk';
import { BeatType, HeartbeatCommandType } from './heartbeat-messages';

/** The name of the heartbeat's one schedule. */
export const BEAT_SCHEDULE = 'beat';

/**
 * A heartbeat on a durable schedule: `{"op":"start"}` makes it beat every minute (or as the
 * command's `every` or `cron` says), `{"op":"stop"}` stops it. Each beat counts in state and
 * publishes a {@link Beat} to the `example/heartbeats` egress. The schedule is a delayed message
 * to itself, so it survives restarts and runs on any StateFun runtime. One instance per id.
 */
@StatefulFunction('example/heartbeat')
export class Heartbeat {
  @ValueSpec({ type: Types.int }) beats?: number;

  apply(ctx: Context<Heartbeat>, msg: Message): void {
    if (msg.tick) {
      const beat = (ctx.storage.beats ?? 0) + 1;
      ctx.storage.beats = beat;
      const scheduledAt = new Date(msg.tick.scheduledAt).toISOString();
      ctx.send(egressMessage({ egress: 'example/heartbeats', value: { id: ctx.self.id, beat, scheduledAt, missed: msg.tick.missed }, type: BeatType }));
      return;
    }
    const command = msg.as(HeartbeatCommandType);
    if (command.op === 'stop') {
      ctx.unschedule(BEAT_SCHEDULE);
      return;
    }
    const when = command.cron
      ? { cron: command.cron, ...(command.timeZone ? { timeZone: command.timeZone } : {}) }
      : { every: (command.every ?? '1m') as Duration };
    ctx.schedule(BEAT_SCHEDULE, when, { value: 'beat' });
  }
}
