import {
  StatefulFunction,
  Types,
  ValueSpec,
  egressMessage,
  jsonType,
  kafkaEgressMessage,
  type Context,
  type FunctionClass,
  type Message,
} from '@keyflow/sdk';

// The interop workload (e2e/interop-functions/README.md) with Keyflow's own sdk: the same
// logic as the official SDKs' versions next to that README.

interface Order {
  readonly seq: number;
  readonly amount: number;
}

const OrderType = jsonType<Order>('interop/Order');

/** The workload's two function classes, under `namespace`. */
export function interopFunctions(namespace: string): readonly FunctionClass[] {
  const out = (ctx: Context<never> | Context<Customer> | Context<Audit>, line: string): void =>
    ctx.send(egressMessage({ egress: `${namespace}/out`, value: line, type: Types.string }));

  @StatefulFunction(`${namespace}/customer`)
  class Customer {
    @ValueSpec({ type: Types.int }) total?: number;
    @ValueSpec({ type: Types.int }) orders?: number;
    @ValueSpec({ type: OrderType }) last?: Order;

    apply(ctx: Context<Customer>, msg: Message): void {
      const text = msg.asString();
      const me = ctx.self.id;
      if (text === 'noop') return;
      if (text === 'ask') {
        ctx.reply(`total:${me}:${ctx.storage.total ?? 0}:${ctx.storage.orders ?? 0}`);
        return;
      }
      if (text === 'report') {
        out(ctx, `report:${me}:${ctx.storage.total ?? 0}:${ctx.storage.orders ?? 0}:${ctx.storage.last?.seq ?? 0}`);
        return;
      }
      if (text.startsWith('confirm:')) {
        ctx.send(kafkaEgressMessage({ egress: `${namespace}/out`, topic: 'confirmations', key: me, value: `confirm:${me}:${text.split(':')[1]}` }));
        return;
      }
      if (text.startsWith('never:')) {
        out(ctx, `never:${me}:${text.split(':')[1]}`);
        return;
      }
      const [seq, amount, neverMs] = text.split(':').map(Number) as [number, number, number];
      ctx.storage.total = (ctx.storage.total ?? 0) + amount;
      ctx.storage.orders = (ctx.storage.orders ?? 0) + 1;
      ctx.storage.last = { seq, amount };
      ctx.send({ target: { typename: `${namespace}/audit`, id: me }, value: { seq, amount }, type: OrderType });
      const confirm = { target: ctx.self, value: `confirm:${seq}` };
      if (seq % 2 === 0) ctx.sendAfter(50, confirm, `confirm-${me}-${seq}`);
      else ctx.sendAfter(50, confirm);
      if (seq % 3 === 0) ctx.sendAfter(neverMs, { target: ctx.self, value: `never:${seq}` }, `never-${me}-${seq}`);
      if (seq % 3 === 1 && seq > 1) ctx.cancelDelayedMessage(`never-${me}-${seq - 1}`);
    }
  }

  @StatefulFunction(`${namespace}/audit`)
  class Audit {
    @ValueSpec({ type: Types.int }) seen?: number;

    apply(ctx: Context<Audit>, msg: Message): void {
      const order = msg.as(OrderType);
      const seen = (ctx.storage.seen ?? 0) + 1;
      ctx.storage.seen = seen;
      out(ctx, `audit:${ctx.self.id}:${order.seq}:${order.amount}:${seen}`);
    }
  }

  return [Customer, Audit];
}
