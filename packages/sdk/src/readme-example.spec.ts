import { StatefulFunction, ValueSpec, Types, jsonType, type Context, type Message,
         kafkaEgressMessage, createRequestHandler, serveHttp } from '@keyflow/sdk';
import { decodeKafkaProducerRecord } from '@keyflow/sdk/protocol';
import { defined, effectsOf } from './test-support/run-function';
import { address } from './test-support/wire-messages';

const Greeting = jsonType<{ text: string; seen: number }>('example/Greeting');

@StatefulFunction('example/greeter')
export class Greeter {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;

  async apply(ctx: Context<Greeter>, msg: Message): Promise<void> {
    const name = msg.asString();
    ctx.storage.seen = (ctx.storage.seen ?? 0) + 1;
    ctx.send({ target: { typename: 'example/inbox', id: name },
               value: { text: `Hello ${name}`, seen: ctx.storage.seen }, type: Greeting });
    ctx.sendAfter('1s', { target: ctx.self, value: 'tick', type: Types.string }, 'tick-token');
    ctx.cancelDelayedMessage('old-token');
    ctx.send(kafkaEgressMessage({ egress: 'example/out', topic: 'greetings', key: name, value: 'hi' }));
  }
}

test('compiles', async () => {
  const server = serveHttp([Greeter], { port: 0 });
  const handle = createRequestHandler([Greeter]);
  expect(typeof handle).toBe('function');
  await server.listening;
  await server.close();
});

describe('the Kafka headers example', () => {
  @StatefulFunction('example/relay')
  class Relay {
    apply(ctx: Context, msg: Message): void {
      const traceId = msg.header('trace-id');                 // the key's last value, as UTF-8 text
      const tags = msg.headers.filter((h) => h.key === 'tag'); // every header: { key, value: Uint8Array }
      ctx.send(kafkaEgressMessage({
        egress: 'example/out', topic: 'relayed', key: ctx.self.id, value: msg.rawValue,
        headers: { 'trace-id': traceId ?? 'none', tag: tags.map((h) => h.value) },
      }));
    }
  }

  it('passes the trace id and every tag on to the Kafka record', async () => {
    const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
    const effects = await effectsOf([Relay], {
      target: address('example/relay', 'r1'),
      invocations: [
        {
          argument: { typename: 'example/Raw', hasValue: true, value: utf8('payload') },
          headers: [
            { key: 'tag', value: utf8('a') },
            { key: 'trace-id', value: utf8('t-1') },
            { key: 'tag', value: Uint8Array.of(0xff) },
          ],
        },
      ],
    });
    const record = decodeKafkaProducerRecord(defined(effects.outgoingEgresses[0]?.argument).value);
    expect(Buffer.from(record.valueBytes).toString()).toBe('payload');
    expect(record.headers?.map(({ key, value }) => `${key}=${Buffer.from(value ?? new Uint8Array(0)).toString('hex')}`)).toEqual([
      `trace-id=${Buffer.from('t-1').toString('hex')}`,
      'tag=61',
      'tag=ff',
    ]);
  });
});
