import { StatefulFunction, Types, ValueSpec, kafkaEgressMessage, type Context, type Message } from '@keyflow/sdk';
import { ReminderDueType, ReminderRequestType } from './messages';

/** The Kafka topic the reminders go to, keyed by person. */
export const REMINDERS_TOPIC = 'reminders';

/**
 * A person's reminders: a request (`{ "text": "call mom", "inMs": 2000 }`) is acknowledged at
 * once and comes back as a delayed message to this instance when it is due. Both go to the
 * `example/reminders` egress as Kafka records. State counts the reminders set, so each carries
 * its number. One instance per person.
 */
@StatefulFunction('example/reminder')
export class Reminder {
  @ValueSpec({ type: Types.int }) set?: number;

  apply(ctx: Context<Reminder>, msg: Message): void {
    if (msg.is(ReminderDueType)) {
      const reminder = msg.as(ReminderDueType);
      this.publish(ctx, `reminder #${reminder.number} for ${ctx.self.id} is due: ${reminder.text}`);
      return;
    }
    const request = msg.as(ReminderRequestType);
    const number = (ctx.storage.set ?? 0) + 1;
    ctx.storage.set = number;
    ctx.sendAfter(Math.max(0, request.inMs), { target: ctx.self, value: { text: request.text, number }, type: ReminderDueType });
    this.publish(ctx, `reminder #${number} for ${ctx.self.id} set: ${request.text} in ${request.inMs} ms`);
  }

  private publish(ctx: Context<Reminder>, text: string): void {
    ctx.send(kafkaEgressMessage({ egress: 'example/reminders', topic: REMINDERS_TOPIC, key: ctx.self.id, value: text }));
  }
}
