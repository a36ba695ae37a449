import { StatefulFunction, Types, ValueSpec, type Context, type Message } from '@keyflow/sdk';
import { GreetingType } from './messages';

/**
 * Greets a person by name, counting how often it has seen them, and delivers the greeting
 * to that person's inbox. One instance per name.
 */
@StatefulFunction('example/greeter')
export class Greeter {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;

  apply(ctx: Context<Greeter>, msg: Message): void {
    const name = msg.isString() ? msg.asString() : ctx.self.id;
    const seen = (ctx.storage.seen ?? 0) + 1;
    ctx.storage.seen = seen;
    const text = seen === 1 ? `Hello ${name}, nice to meet you!` : `Hello again ${name}, visit number ${seen}.`;
    ctx.send({ target: { typename: 'example/inbox', id: ctx.self.id }, value: { text, seen }, type: GreetingType });
  }
}
