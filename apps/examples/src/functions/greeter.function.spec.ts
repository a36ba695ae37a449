import { TestKit } from '@keyflow/testing';
import { Greeter } from './greeter.function';
import { Inbox } from './inbox.function';

const alice = { typename: 'example/greeter', id: 'Alice' };
const greeting = (text: string) => ({ topic: 'greetings', key: 'Alice', value: text });

describe('example/greeter', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await TestKit.start({ functions: [Greeter, Inbox], egresses: ['example/greetings'] });
  });
  afterEach(() => kit.close());

  it('greets a newcomer, counts the visit and delivers the greeting through the inbox', async () => {
    await kit.send(alice, 'Alice');
    expect(kit.egress('example/greetings').values()).toEqual([greeting('Hello Alice, nice to meet you!')]);
    expect(await kit.state(alice)).toEqual({ seen: 1 });
    expect(await kit.state({ typename: 'example/inbox', id: 'Alice' })).toEqual({ received: 1 });
  });

  it('greets a returning visitor with the visit number', async () => {
    for (let visit = 0; visit < 5; visit++) await kit.send(alice, 'Alice');
    expect(kit.egress('example/greetings').values().at(-1)).toEqual(greeting('Hello again Alice, visit number 5.'));
  });

  it('forgets a visitor 30 minutes after the last visit', async () => {
    await kit.send(alice, 'Alice');
    await kit.advance('29m');
    await kit.send(alice, 'Alice');
    await kit.advance('29m');
    expect(await kit.state(alice)).toEqual({ seen: 2 });
    await kit.advance('1m');
    expect(await kit.state(alice)).toEqual({});
    await kit.send(alice, 'Alice');
    expect(kit.egress('example/greetings').values().at(-1)).toEqual(greeting('Hello Alice, nice to meet you!'));
  });

  it('counts every visit once across a crash', async () => {
    await kit.send(alice, 'Alice');
    await kit.checkpoint();
    await kit.send(alice, 'Alice');
    await kit.crash();
    expect(await kit.state(alice)).toEqual({ seen: 2 });
  });
});
