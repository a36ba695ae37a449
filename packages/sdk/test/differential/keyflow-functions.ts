// The differential functions written with Keyflow's sdk. official-functions.ts is the same
// logic written with the official StateFun JS SDK; a change here needs the same change there.

import {
  StatefulFunction,
  Types,
  ValueSpec,
  jsonType,
  kafkaEgressMessage,
  kinesisEgressMessage,
  type Address,
  type Context,
  type Message,
} from '@keyflow/sdk';
import {
  ACCOUNT,
  ACCOUNT_STATES,
  COMMAND_TYPENAME,
  ECHO,
  ECHO_STATES,
  KAFKA_EGRESS,
  KINESIS_EGRESS,
  MAX_DELAY_MS,
  PROFILE_TYPENAME,
  type Command,
  type Profile,
} from './vocabulary';

const ProfileType = jsonType<Profile>(PROFILE_TYPENAME);
const CommandType = jsonType<Command>(COMMAND_TYPENAME);

@StatefulFunction(ACCOUNT)
export class Account {
  @ValueSpec({ type: Types.int, ...ACCOUNT_STATES.count }) count?: number;
  @ValueSpec({ type: Types.string, ...ACCOUNT_STATES.label }) label?: string;
  @ValueSpec({ type: Types.bool }) flag?: boolean;
  @ValueSpec({ type: Types.float }) ratio?: number;
  @ValueSpec({ type: ProfileType }) profile?: Profile;

  apply(ctx: Context<Account>, msg: Message): void {
    const caller = ctx.caller;
    if (msg.is(Types.int)) onInt(ctx, msg.asInt(), caller);
    else if (msg.is(Types.string)) onString(ctx, msg.asString(), caller);
    else if (msg.is(Types.bool)) onBool(ctx, msg.asBool());
    else if (msg.is(Types.float)) onFloat(ctx, msg.asFloat());
    else if (msg.is(CommandType)) onCommand(ctx, msg.as(CommandType), caller);
    else onUnknown(ctx, msg.typename, caller);
  }
}

function onInt(ctx: Context<Account>, n: number, caller: Address | undefined): void {
  const count = ((ctx.storage.count ?? 0) + n) | 0;
  ctx.storage.count = count;
  if (n < 0) ctx.storage.label = undefined;
  if (n % 3 === 0) ctx.send({ target: { typename: ECHO, id: ctx.self.id }, value: count, type: Types.int });
  if (caller?.typename === ECHO) ctx.storage.flag = count > 0;
  else if (caller && n % 2 === 0) ctx.send({ target: caller, value: `count=${count}`, type: Types.string });
}

function onString(ctx: Context<Account>, s: string, caller: Address | undefined): void {
  const label = ctx.storage.label;
  if (s.startsWith('k')) {
    ctx.send(
      kafkaEgressMessage({
        egress: KAFKA_EGRESS,
        topic: ctx.storage.flag ? 'flagged' : 'plain',
        ...(s.length % 2 === 1 ? { key: s } : {}),
        value: `${label ?? '-'}|${s}`,
      }),
    );
  } else if (s.startsWith('n')) {
    ctx.send(
      kinesisEgressMessage({
        egress: KINESIS_EGRESS,
        stream: 'events',
        partitionKey: ctx.self.id,
        ...(s.length > 3 ? { explicitHashKey: String(s.length) } : {}),
        value: { visits: s.length, tags: [s] },
        type: ProfileType,
      }),
    );
  } else if (s === '') {
    ctx.cancelDelayedMessage(`reminder:${ctx.self.id}`);
  } else {
    ctx.storage.label = s;
    if (label !== undefined) {
      ctx.send({ target: caller ?? ctx.self, value: `${label}->${s}`, type: Types.string });
    } else {
      ctx.sendAfter(s.length * 100, { target: ctx.self, value: s, type: Types.string }, `reminder:${ctx.self.id}`);
    }
  }
}

function onBool(ctx: Context<Account>, b: boolean): void {
  const previous = ctx.storage.flag ?? false;
  ctx.storage.flag = b === previous ? undefined : b;
  if (b) {
    const delay = 1000 * ((ctx.storage.count ?? 0) & 0xff);
    ctx.sendAfter(delay, { target: ctx.self, value: 1, type: Types.int }, `flag:${ctx.self.id}`);
  } else {
    ctx.cancelDelayedMessage(`flag:${ctx.self.id}`);
  }
}

function onFloat(ctx: Context<Account>, f: number): void {
  // Math.fround: the value stored is already a float32 ("float rounding" in the spec); + 0
  // turns -0 into 0 ("negative zero").
  const ratio = Math.fround((ctx.storage.ratio ?? 0) + f) + 0;
  ctx.storage.ratio = Number.isNaN(ratio) ? undefined : ratio;
  const echo = { typename: ECHO, id: ctx.self.id };
  if (ratio > 100) ctx.send({ target: echo, value: ratio, type: Types.float });
  const delay = Number.isFinite(f) ? Math.floor(Math.abs(f)) % MAX_DELAY_MS : 0;
  const token = ctx.storage.flag ? `tick:${ctx.self.id}` : undefined;
  ctx.sendAfter(delay, { target: echo, value: `tick ${delay}`, type: Types.string }, token);
}

function onCommand(ctx: Context<Account>, cmd: Command, caller: Address | undefined): void {
  switch (cmd.op) {
    case 'visit': {
      const profile = ctx.storage.profile;
      ctx.storage.profile = { visits: (profile?.visits ?? 0) + 1, tags: [...(profile?.tags ?? []).slice(-3), cmd.tag] };
      break;
    }
    case 'reset':
      ctx.storage.count = undefined;
      ctx.storage.label = undefined;
      ctx.storage.ratio = undefined;
      break;
    case 'fanout':
      for (const id of cmd.ids) {
        ctx.send({ target: { typename: ACCOUNT, id }, value: { op: 'visit', tag: ctx.self.id }, type: CommandType });
      }
      break;
    case 'delay':
      ctx.sendAfter(cmd.ms, { target: { typename: ECHO, id: ctx.self.id }, value: cmd, type: CommandType }, cmd.token);
      break;
    case 'cancel':
      ctx.cancelDelayedMessage(cmd.token);
      break;
    case 'egress':
      ctx.send(
        kafkaEgressMessage({
          egress: KAFKA_EGRESS,
          topic: cmd.topic,
          ...(cmd.key !== undefined ? { key: cmd.key } : {}),
          value: ctx.storage.profile ?? { visits: 0, tags: [] },
          type: ProfileType,
        }),
      );
      ctx.send(
        kinesisEgressMessage({
          egress: KINESIS_EGRESS,
          stream: cmd.topic,
          partitionKey: caller?.id ?? ctx.self.id,
          value: ctx.storage.label ?? 'none',
        }),
      );
      break;
    default:
      if (caller) ctx.send({ target: caller, value: cmd, type: CommandType });
  }
}

function onUnknown(ctx: Context<Account>, typename: string, caller: Address | undefined): void {
  ctx.storage.flag = !(ctx.storage.flag ?? false);
  if (caller) ctx.send({ target: caller, value: `unknown:${typename}`, type: Types.string });
}

@StatefulFunction(ECHO)
export class Echo {
  @ValueSpec({ type: Types.int, ...ECHO_STATES.seen }) seen?: number;

  apply(ctx: Context<Echo>, msg: Message): void {
    const seen = ((ctx.storage.seen ?? 0) + 1) | 0;
    ctx.storage.seen = seen;
    const caller = ctx.caller;
    if (caller) {
      ctx.send({ target: caller, value: `echo ${seen} ${msg.typename}`, type: Types.string });
    } else {
      ctx.send(kafkaEgressMessage({ egress: KAFKA_EGRESS, topic: 'echo', key: ctx.self.id, value: msg.typename }));
    }
  }
}

/** Every differential function, as Keyflow registers them. */
export const keyflowFunctions = [Account, Echo];
