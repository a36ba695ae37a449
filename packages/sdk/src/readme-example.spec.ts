import { StatefulFunction, ValueSpec, Types, jsonType, type Context, type Message,
         kafkaEgressMessage, createRequestHandler, serveHttp } from '@keyflow/sdk';

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
