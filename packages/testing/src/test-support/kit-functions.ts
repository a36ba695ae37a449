import { MapSpec, StatefulFunction, Types, ValueSpec, egressMessage, jsonType, type Context, type Duration, type MapState, type Message } from '@keyflow/sdk';

/** What `test/alarm` is told: ring `text` after `in`, or cancel the alarm named `cancel`. */
export interface AlarmCommand {
  readonly name: string;
  readonly text?: string;
  readonly in?: Duration;
  readonly cancel?: boolean;
}

export const AlarmCommandType = jsonType<AlarmCommand>('test/AlarmCommand');
export const RingType = jsonType<{ readonly name: string; readonly text: string }>('test/Ring');
export const TickType = jsonType<{ readonly beat: number; readonly scheduledAt: string }>('test/Tick');

/** Counts visits per id (forgotten 30 minutes after the last one) and greets through `test/inbox`. */
@StatefulFunction('test/greeter')
export class KitGreeter {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;

  apply(ctx: Context<KitGreeter>, msg: Message): void {
    const seen = (ctx.storage.seen ?? 0) + 1;
    ctx.storage.seen = seen;
    ctx.send({ target: { typename: 'test/inbox', id: ctx.self.id }, value: `hello ${msg.asString()} #${seen}` });
  }
}

/** Keeps the greetings it got and publishes each to `test/greetings`. */
@StatefulFunction('test/inbox')
export class KitInbox {
  @ValueSpec({ type: Types.int }) received?: number;
  @MapSpec({ value: Types.string }) last!: MapState<string>;

  apply(ctx: Context<KitInbox>, msg: Message): void {
    const text = msg.asString();
    ctx.storage.received = (ctx.storage.received ?? 0) + 1;
    ctx.storage.last.set('text', text);
    ctx.send(egressMessage({ egress: 'test/greetings', value: text, type: Types.string }));
    ctx.send(egressMessage({ egress: 'test/greetings-once', value: text, type: Types.string }));
  }
}

/** Rings each named alarm when it is due (a delayed message to itself), unless cancelled first. */
@StatefulFunction('test/alarm')
export class KitAlarm {
  apply(ctx: Context<KitAlarm>, msg: Message): void {
    if (msg.is(RingType)) {
      ctx.send(egressMessage({ egress: 'test/rings', value: msg.as(RingType), type: RingType }));
      return;
    }
    const command = msg.as(AlarmCommandType);
    if (command.cancel) {
      ctx.cancelDelayedMessage(command.name);
      return;
    }
    ctx.sendAfter(command.in ?? 0, { target: ctx.self, value: { name: command.name, text: command.text ?? '' }, type: RingType }, command.name);
  }
}

/** Beats on a schedule (`every` as sent, e.g. `'1d'`), counting beats in state, until told `stop`. */
@StatefulFunction('test/heartbeat')
export class KitHeartbeat {
  @ValueSpec({ type: Types.int }) beats?: number;

  apply(ctx: Context<KitHeartbeat>, msg: Message): void {
    if (msg.tick) {
      const beat = (ctx.storage.beats ?? 0) + 1;
      ctx.storage.beats = beat;
      ctx.send(egressMessage({ egress: 'test/ticks', value: { beat, scheduledAt: new Date(msg.tick.scheduledAt).toISOString() }, type: TickType }));
      return;
    }
    const every = msg.asString();
    if (every === 'stop') ctx.unschedule('beat');
    else ctx.schedule('beat', { every: every as Duration }, { value: 'beat' });
  }
}

/** Throws on `boom`, counts otherwise. */
@StatefulFunction('test/fragile')
export class KitFragile {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<KitFragile>, msg: Message): void {
    if (msg.asString() === 'boom') throw new Error('boom was sent');
    ctx.storage.count = (ctx.storage.count ?? 0) + 1;
  }
}
