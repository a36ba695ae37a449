import { StatefulFunction, Types, ValueSpec, egressMessage, type Context, type Message } from '@keyflow/sdk';
import { GreetingType } from './messages';

/** Keeps the greetings a person received and publishes each one to the `example/greetings` egress. */
@StatefulFunction('example/inbox')
export class Inbox {
  @ValueSpec({ type: Types.int }) received?: number;

  apply(ctx: Context<Inbox>, msg: Message): void {
    const greeting = msg.as(GreetingType);
    ctx.storage.received = (ctx.storage.received ?? 0) + 1;
    ctx.send(egressMessage({ egress: 'example/greetings', value: greeting.text, type: Types.string }));
  }
}
