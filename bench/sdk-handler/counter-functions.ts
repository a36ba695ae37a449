// The benchmarked function, once per SDK: one int state value, one incoming int message and one
// outgoing int message per invocation.

import { StatefulFunction, Types, ValueSpec, createRequestHandler, type Context, type Message } from '@keyflow/sdk';
import { StateFun, messageBuilder, type Context as OfficialContext, type Message as OfficialMessage } from 'apache-flink-statefun';
import { FunctionSpec } from 'apache-flink-statefun/dist/core';
import { handle as officialHandle } from 'apache-flink-statefun/dist/handler';

export const COUNTER = 'bench/counter';
export const SINK = 'bench/sink';

@StatefulFunction(COUNTER)
export class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>, msg: Message): void {
    const count = (ctx.storage.count ?? 0) + msg.asInt();
    ctx.storage.count = count;
    ctx.send({ target: { typename: SINK, id: ctx.self.id }, value: count, type: Types.int });
  }
}

const INT = StateFun.intType();

/** The same function for the official SDK, as `StateFun#bind` takes it. */
export const officialCounter = {
  typename: COUNTER,
  specs: [{ name: 'count', type: INT }],
  fn(ctx: OfficialContext, msg: OfficialMessage): void {
    const storage = ctx.storage as { count: number | null };
    const count = (storage.count ?? 0) + (msg.asInt() ?? 0);
    storage.count = count;
    ctx.send(messageBuilder({ typename: SINK, id: ctx.self.id, value: count, valueType: INT }));
  },
};

export type SdkName = 'keyflow' | 'official';

/** Bytes in, bytes out: Keyflow's request handler, or the official SDK's handle(bytes, fns). */
export function handlerOf(sdk: SdkName): (toFunction: Uint8Array) => Promise<Uint8Array> {
  if (sdk === 'keyflow') return createRequestHandler([Counter]);
  // StateFun#bind builds this index with FunctionSpec.fromOpts and keeps it private.
  const fns = { [COUNTER]: FunctionSpec.fromOpts(officialCounter) };
  return (toFunction) => officialHandle(toFunction, fns);
}
