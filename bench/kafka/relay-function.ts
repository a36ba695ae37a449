import { StatefulFunction, kafkaEgressMessage, type Context, type Message } from '@keyflow/sdk';

/** Where the relay writes; set before the runtime starts. */
export const relayTarget = { topic: '' };

/**
 * The benchmark's function: each record goes out again unchanged (same key, same value bytes)
 * to the `bench/out` Kafka egress — the function-side twin of a raw consume→produce loop.
 */
@StatefulFunction('bench/relay')
export class Relay {
  apply(ctx: Context<Relay>, msg: Message): void {
    ctx.send(kafkaEgressMessage({ egress: 'bench/out', topic: relayTarget.topic, key: ctx.self.id, value: msg.rawValue }));
  }
}
