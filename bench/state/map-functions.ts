import {
  MapSpec,
  StatefulFunction,
  Types,
  ValueSpec,
  egressMessage,
  jsonType,
  type Context,
  type MapState,
  type Message,
} from '@keyflow/sdk';

/** What each entry holds: 16 bytes of text. */
const ENTRY_VALUE = 'v'.repeat(16);

/**
 * The commands both functions take, as a string: `fill:<n>` sets keys k0…k(n-1) in one message,
 * `set:<key>` sets one key. Each message is answered with the address id on `bench/out`, which
 * paces the benchmark's closed loop.
 */
function parse(msg: Message): { fill: number } | { key: string } {
  const text = msg.asString();
  return text.startsWith('fill:') ? { fill: Number(text.slice(5)) } : { key: text.slice(4) };
}

/** The map in a `@MapSpec`: what list and map state give a user. */
@StatefulFunction('bench/map-state')
export class MapStateEntries {
  @MapSpec({ value: Types.string }) entries?: MapState<string>;

  apply(ctx: Context<MapStateEntries>, msg: Message): void {
    const command = parse(msg);
    if ('fill' in command) for (let index = 0; index < command.fill; index++) ctx.storage.entries.set(`k${index}`, ENTRY_VALUE);
    else ctx.storage.entries.set(command.key, ENTRY_VALUE);
    ctx.send(egressMessage({ egress: 'bench/out', value: ctx.self.id, type: Types.string }));
  }
}

const EntriesType = jsonType<Record<string, string>>('bench/Entries');

/** The map packed into one `@ValueSpec` as a JSON object: today's workaround. */
@StatefulFunction('bench/value-map')
export class OneValueEntries {
  @ValueSpec({ type: EntriesType }) entries?: Record<string, string>;

  apply(ctx: Context<OneValueEntries>, msg: Message): void {
    const command = parse(msg);
    const entries = ctx.storage.entries ?? {};
    if ('fill' in command) for (let index = 0; index < command.fill; index++) entries[`k${index}`] = ENTRY_VALUE;
    else entries[command.key] = ENTRY_VALUE;
    ctx.storage.entries = entries;
    ctx.send(egressMessage({ egress: 'bench/out', value: ctx.self.id, type: Types.string }));
  }
}

export const functions = [MapStateEntries, OneValueEntries];
