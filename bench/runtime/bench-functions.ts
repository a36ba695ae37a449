import { StatefulFunction, Types, ValueSpec, egressMessage, type Context, type Message } from '@keyflow/sdk';

/** Counts messages per address and reports each count to the `bench/out` egress. */
@StatefulFunction('bench/counter')
export class BenchCounter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<BenchCounter>, _msg: Message): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.send(egressMessage({ egress: 'bench/out', value: count, type: Types.int }));
  }
}

export const functions = [BenchCounter];
