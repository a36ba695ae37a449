import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateFun, kafkaEgressMessage, messageBuilder, type Context, type Message } from 'apache-flink-statefun';
import { TestKit } from '../../src';

// The kit in endpoint mode, driving a function service written with the official StateFun
// JavaScript SDK over real HTTP: the same API and semantics as for Keyflow functions in process.

/** A greeter that reminds each person an hour after the first greeting, unless greeted again before. */
function officialService(): StateFun {
  const statefun = new StateFun();
  statefun.bind({
    typename: 'official/greeter',
    specs: [{ name: 'seen', type: StateFun.intType() }],
    fn(context: Context, message: Message) {
      const text = message.asString() ?? '';
      if (text === 'reminder') {
        context.send(kafkaEgressMessage({ typename: 'official/out', topic: 'reminders', key: context.self.id, value: 'come back' }));
        return;
      }
      const storage = context.storage as { seen: number | null };
      const seen = (storage.seen ?? 0) + 1;
      storage.seen = seen;
      context.send(kafkaEgressMessage({ typename: 'official/out', topic: 'greetings', key: context.self.id, value: `hello ${text} #${seen}` }));
      if (seen === 1) context.sendAfter(3_600_000, messageBuilder({ typename: 'official/greeter', id: context.self.id, value: 'reminder' }), 'reminder');
      else context.cancelDelayedMessage('reminder');
    },
  });
  return statefun;
}

describe('TestKit with an endpoint served by the official StateFun JS SDK', () => {
  let server: Server;
  let kit: TestKit;

  beforeEach(async () => {
    const handle = officialService().handler();
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kit = await TestKit.start({ endpoint: `http://127.0.0.1:${port}/statefun`, egresses: ['official/out'] });
  });
  afterEach(async () => {
    await kit.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers delayed messages on virtual time, honours cancellation and shows the state', async () => {
    const ann = { typename: 'official/greeter', id: 'ann' };
    const bob = { typename: 'official/greeter', id: 'bob' };
    await kit.send(ann, 'Ann');
    await kit.send(bob, 'Bob');
    await kit.advance('30m');
    await kit.send(bob, 'Bob'); // cancels Bob's reminder
    await kit.advance('1h');
    expect(kit.egress('official/out').values()).toEqual([
      { topic: 'greetings', key: 'ann', value: 'hello Ann #1' },
      { topic: 'greetings', key: 'bob', value: 'hello Bob #1' },
      { topic: 'greetings', key: 'bob', value: 'hello Bob #2' },
      { topic: 'reminders', key: 'ann', value: 'come back' },
    ]);
    expect(await kit.state(ann)).toEqual({ seen: 1 });
    expect(await kit.state(bob)).toEqual({ seen: 2 });
  });

  it('recovers from a crash: what the checkpoint missed is replayed to the service', async () => {
    const ann = { typename: 'official/greeter', id: 'ann' };
    await kit.send(ann, 'Ann');
    await kit.checkpoint();
    await kit.send(ann, 'Ann');
    await kit.crash();
    expect(await kit.state(ann)).toEqual({ seen: 2 });
  });
});
