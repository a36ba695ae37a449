// The differential functions written with the official StateFun JS SDK (apache-flink-statefun),
// branch for branch the same logic as keyflow-functions.ts. Differences in the two APIs that
// are not differences on the wire:
// - absent state reads as null (Keyflow: undefined) and is deleted by assigning null;
// - Message#asInt() and friends return null for a has_value=false argument, where Keyflow (like
//   the official Java SDK) deserializes the empty bytes to the type's zero value: `?? 0` here;
// - a message is built with messageBuilder({ typename, id, value, valueType }).

import {
  StateFun,
  kafkaEgressMessage,
  kinesisEgressMessage,
  messageBuilder,
  type Address,
  type Context,
  type FunctionOpts,
  type Message,
  type Type,
} from 'apache-flink-statefun';
import { FunctionSpec } from 'apache-flink-statefun/dist/core';
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

const INT = StateFun.intType();
const STRING = StateFun.stringType();
const BOOL = StateFun.booleanType();
const FLOAT = StateFun.floatType();
const ProfileType = StateFun.jsonType<Profile>(PROFILE_TYPENAME);
const CommandType = StateFun.jsonType<Command>(COMMAND_TYPENAME);

interface AccountStorage {
  count: number | null;
  label: string | null;
  flag: boolean | null;
  ratio: number | null;
  profile: Profile | null;
}

interface EchoStorage {
  seen: number | null;
}

const account: FunctionOpts = {
  typename: ACCOUNT,
  specs: [
    { name: 'count', type: INT, ...ACCOUNT_STATES.count },
    { name: 'label', type: STRING, ...ACCOUNT_STATES.label },
    { name: 'flag', type: BOOL },
    { name: 'ratio', type: FLOAT },
    { name: 'profile', type: ProfileType },
  ],
  fn(ctx: Context, msg: Message): void {
    const storage = ctx.storage as AccountStorage;
    const caller = ctx.caller;
    if (msg.isInt()) onInt(ctx, storage, msg.asInt() ?? 0, caller);
    else if (msg.isString()) onString(ctx, storage, msg.asString() ?? '', caller);
    else if (msg.isBoolean()) onBool(ctx, storage, msg.asBoolean() ?? false);
    else if (msg.isFloat()) onFloat(ctx, storage, msg.asFloat() ?? 0);
    else if (msg.is(CommandType)) onCommand(ctx, storage, msg.as(CommandType) as Command, caller);
    else onUnknown(ctx, storage, msg.valueTypeName, caller);
  },
};

function to<T>(typename: string, id: string, value: T, valueType: Type<T>): Message {
  return messageBuilder({ typename, id, value, valueType });
}

function onInt(ctx: Context, storage: AccountStorage, n: number, caller: Address | null): void {
  const count = ((storage.count ?? 0) + n) | 0;
  storage.count = count;
  if (n < 0) storage.label = null;
  if (n % 3 === 0) ctx.send(to(ECHO, ctx.self.id, count, INT));
  if (caller?.typename === ECHO) storage.flag = count > 0;
  else if (caller && n % 2 === 0) ctx.send(to(caller.typename, caller.id, `count=${count}`, STRING));
}

function onString(ctx: Context, storage: AccountStorage, s: string, caller: Address | null): void {
  const label = storage.label;
  if (s.startsWith('k')) {
    ctx.send(
      kafkaEgressMessage({
        typename: KAFKA_EGRESS,
        topic: storage.flag ? 'flagged' : 'plain',
        ...(s.length % 2 === 1 ? { key: s } : {}),
        value: `${label ?? '-'}|${s}`,
      }),
    );
  } else if (s.startsWith('n')) {
    ctx.send(
      kinesisEgressMessage({
        typename: KINESIS_EGRESS,
        stream: 'events',
        partitionKey: ctx.self.id,
        ...(s.length > 3 ? { hashKey: String(s.length) } : {}),
        value: { visits: s.length, tags: [s] },
        valueType: ProfileType,
      }),
    );
  } else if (s === '') {
    ctx.cancelDelayedMessage(`reminder:${ctx.self.id}`);
  } else {
    storage.label = s;
    if (label !== null) {
      const target = caller ?? ctx.self;
      ctx.send(to(target.typename, target.id, `${label}->${s}`, STRING));
    } else {
      ctx.sendAfter(s.length * 100, to(ACCOUNT, ctx.self.id, s, STRING), `reminder:${ctx.self.id}`);
    }
  }
}

function onBool(ctx: Context, storage: AccountStorage, b: boolean): void {
  const previous = storage.flag ?? false;
  storage.flag = b === previous ? null : b;
  if (b) {
    const delay = 1000 * ((storage.count ?? 0) & 0xff);
    ctx.sendAfter(delay, to(ACCOUNT, ctx.self.id, 1, INT), `flag:${ctx.self.id}`);
  } else {
    ctx.cancelDelayedMessage(`flag:${ctx.self.id}`);
  }
}

function onFloat(ctx: Context, storage: AccountStorage, f: number): void {
  const ratio = Math.fround((storage.ratio ?? 0) + f) + 0;
  storage.ratio = Number.isNaN(ratio) ? null : ratio;
  if (ratio > 100) ctx.send(to(ECHO, ctx.self.id, ratio, FLOAT));
  const delay = Number.isFinite(f) ? Math.floor(Math.abs(f)) % MAX_DELAY_MS : 0;
  const token = storage.flag ? `tick:${ctx.self.id}` : undefined;
  ctx.sendAfter(delay, to(ECHO, ctx.self.id, `tick ${delay}`, STRING), token);
}

function onCommand(ctx: Context, storage: AccountStorage, cmd: Command, caller: Address | null): void {
  switch (cmd.op) {
    case 'visit': {
      const profile = storage.profile;
      storage.profile = { visits: (profile?.visits ?? 0) + 1, tags: [...(profile?.tags ?? []).slice(-3), cmd.tag] };
      break;
    }
    case 'reset':
      storage.count = null;
      storage.label = null;
      storage.ratio = null;
      break;
    case 'fanout':
      for (const id of cmd.ids) ctx.send(to(ACCOUNT, id, { op: 'visit', tag: ctx.self.id }, CommandType));
      break;
    case 'delay':
      ctx.sendAfter(cmd.ms, to(ECHO, ctx.self.id, cmd, CommandType), cmd.token);
      break;
    case 'cancel':
      ctx.cancelDelayedMessage(cmd.token);
      break;
    case 'egress':
      ctx.send(
        kafkaEgressMessage({
          typename: KAFKA_EGRESS,
          topic: cmd.topic,
          ...(cmd.key !== undefined ? { key: cmd.key } : {}),
          value: storage.profile ?? { visits: 0, tags: [] },
          valueType: ProfileType,
        }),
      );
      ctx.send(
        kinesisEgressMessage({
          typename: KINESIS_EGRESS,
          stream: cmd.topic,
          partitionKey: caller?.id ?? ctx.self.id,
          value: storage.label ?? 'none',
        }),
      );
      break;
    default:
      if (caller) ctx.send(to(caller.typename, caller.id, cmd, CommandType));
  }
}

function onUnknown(ctx: Context, storage: AccountStorage, typename: string, caller: Address | null): void {
  storage.flag = !(storage.flag ?? false);
  if (caller) ctx.send(to(caller.typename, caller.id, `unknown:${typename}`, STRING));
}

const echo: FunctionOpts = {
  typename: ECHO,
  specs: [{ name: 'seen', type: INT, ...ECHO_STATES.seen }],
  fn(ctx: Context, msg: Message): void {
    const storage = ctx.storage as EchoStorage;
    const seen = ((storage.seen ?? 0) + 1) | 0;
    storage.seen = seen;
    const caller = ctx.caller;
    if (caller) {
      ctx.send(to(caller.typename, caller.id, `echo ${seen} ${msg.valueTypeName}`, STRING));
    } else {
      ctx.send(kafkaEgressMessage({ typename: KAFKA_EGRESS, topic: 'echo', key: ctx.self.id, value: msg.valueTypeName }));
    }
  },
};

/** Every differential function, as the official `StateFun#bind` registers them. */
export const officialFunctionOpts: readonly FunctionOpts[] = [account, echo];

/**
 * The function index the official `handle(bytes, fns)` takes. `StateFun#bind` builds the same
 * index with the same `FunctionSpec.fromOpts` (and keeps it private).
 */
export function officialFunctionIndex(): Record<string, FunctionSpec> {
  const index: Record<string, FunctionSpec> = {};
  for (const opts of officialFunctionOpts) {
    const spec = FunctionSpec.fromOpts(opts);
    index[spec.typename] = spec;
  }
  return index;
}
