import { StatefulFunction, Types, ValueSpec, kafkaEgressMessage, type Context, type Message } from '@keyflow/sdk';
import { GreetingType } from './messages';

/**
 * Keeps the greetings a person received and publishes each one to the `example/greetings`
 * egress as a Kafka record (topic `greetings`, keyed by the person), so the same function
 * writes to a Kafka egress (Keyflow or Apache Flink StateFun) or to Keyflow's file egress.
 */
@StatefulFunction('example/inbox')
export class Inbox {
  @ValueSpec({ type: Types.int }) received?: number;

  apply(ctx: Context<Inbox>, msg: Message): void {
    const greeting = msg.as(GreetingType);
    ctx.storage.received = (ctx.storage.received ?? 0) + 1;
    ctx.send(kafkaEgressMessage({ egress: 'example/greetings', topic: 'greetings', key: ctx.self.id, value: greeting.text }));
  }
}
