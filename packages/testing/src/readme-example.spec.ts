// The README's examples, verbatim: the last test checks that every line of the README's
// TypeScript blocks is here, so the README cannot show code that does not run.
import type { AddressInfo } from 'node:net';
import { StatefulFunction, Types, ValueSpec, egressMessage, jsonType, serveHttp, type Context, type Message } from '@keyflow/sdk';
import { TestKit } from '@keyflow/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

@StatefulFunction('example/greeter')
class Greeter {
  @ValueSpec({ type: Types.int, expireAfterCall: '30m' }) seen?: number;

  apply(ctx: Context<Greeter>, msg: Message): void {
    const seen = (ctx.storage.seen ?? 0) + 1;
    ctx.storage.seen = seen;
    ctx.send(egressMessage({ egress: 'example/greetings', value: `Hello ${msg.asString()} #${seen}`, type: Types.string }));
  }
}

it('greets, and forgets a visitor after 30 minutes of silence', async () => {
  const kit = await TestKit.start({ functions: [Greeter], egresses: ['example/greetings'] });
  const alice = { typename: 'example/greeter', id: 'alice' };
  await kit.send(alice, 'Alice');
  expect(kit.egress('example/greetings').values()).toEqual(['Hello Alice #1']);
  expect(await kit.state(alice)).toEqual({ seen: 1 });
  await kit.advance('30m');
  expect(await kit.state(alice)).toEqual({});
  await kit.close();
});

const Command = jsonType<{ op: 'add'; sku: string }>('example/CartCommand');

@StatefulFunction('example/cart')
class Cart {
  @ValueSpec({ type: Types.int }) items?: number;

  apply(ctx: Context<Cart>, msg: Message): void {
    if (msg.as(Command).op === 'add') ctx.storage.items = (ctx.storage.items ?? 0) + 1;
  }
}

it('sends a JSON command with its type', async () => {
  const kit = await TestKit.start({ functions: [Cart] });
  await kit.send({ typename: 'example/cart', id: 'c1' }, { op: 'add', sku: 'tea' }, Command);
  expect(await kit.state({ typename: 'example/cart', id: 'c1' })).toEqual({ items: 1 });
  await kit.close();
});

@StatefulFunction('example/daily')
class Daily {
  @ValueSpec({ type: Types.int }) beats?: number;

  apply(ctx: Context<Daily>, msg: Message): void {
    if (msg.tick) {
      ctx.storage.beats = (ctx.storage.beats ?? 0) + 1;
      ctx.send(egressMessage({ egress: 'example/beats', value: new Date(msg.tick.scheduledAt).toISOString(), type: Types.string }));
    } else {
      ctx.schedule('beat', { every: '1d' }, { value: 'beat' });
    }
  }
}

it('runs a year of daily beats in milliseconds', async () => {
  const kit = await TestKit.start({ functions: [Daily], egresses: ['example/beats'], startTime: new Date('2026-01-01T00:00:00Z') });
  await kit.send({ typename: 'example/daily', id: 'd' }, 'start');
  await kit.advance('365d');
  const beats = kit.egress('example/beats').values();
  expect(beats).toHaveLength(365);
  expect(beats.at(-1)).toBe('2027-01-01T00:00:00.000Z');
  expect(await kit.state({ typename: 'example/daily', id: 'd' })).toEqual({ beats: 365 });
  await kit.close();
});

it('comes back from a crash with nothing lost and exactly-once output', async () => {
  const kit = await TestKit.start({
    functions: [Greeter],
    egresses: [{ id: 'example/greetings', delivery: 'exactly-once' }],
  });
  const bob = { typename: 'example/greeter', id: 'bob' };
  await kit.send(bob, 'Bob');
  await kit.checkpoint();
  await kit.send(bob, 'Bob'); // not checkpointed yet
  await kit.crash();
  expect(await kit.state(bob)).toEqual({ seen: 2 }); // replayed from the ingress log
  await kit.checkpoint();
  expect(kit.egress('example/greetings').values()).toEqual(['Hello Bob #1', 'Hello Bob #2']);
  await kit.close();
});

it('drives a remote function service', async () => {
  const server = serveHttp([Greeter], { port: 0 });
  const { port } = (await server.listening) as AddressInfo;
  const kit = await TestKit.start({ endpoint: `http://127.0.0.1:${port}/statefun`, egresses: ['example/greetings'] });
  await kit.send({ typename: 'example/greeter', id: 'carol' }, 'Carol');
  expect(kit.egress('example/greetings').values()).toEqual(['Hello Carol #1']);
  expect(await kit.state({ typename: 'example/greeter', id: 'carol' })).toEqual({ seen: 1 });
  await kit.close();
  await server.close();
});

@StatefulFunction('example/account')
class Account {
  @ValueSpec({ type: Types.int }) balance?: number;

  apply(ctx: Context<Account>, msg: Message): void {
    const balance = (ctx.storage.balance ?? 0) + msg.asInt();
    ctx.storage.balance = balance;
    if (ctx.caller !== undefined) ctx.reply(balance, Types.int);
  }
}

it('answers a deposit with the balance after it', async () => {
  const kit = await TestKit.start({ functions: [Account] });
  expect(await kit.request({ typename: 'example/account', id: 'a1' }, 40)).toBe(40);
  expect(await kit.request({ typename: 'example/account', id: 'a1' }, 2)).toBe(42);
  await kit.send({ typename: 'example/account', id: 'a1' }, 8); // no one waits: no answer
  expect(await kit.state({ typename: 'example/account', id: 'a1' })).toEqual({ balance: 50 });
  await kit.close();
});

it("matches the README's TypeScript blocks line for line", () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const here = new Set(readFileSync(__filename, 'utf8').split('\n'));
  const missing = blocks.flatMap((block) => block.split('\n')).filter((line) => line.trim() !== '' && !here.has(line));
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  expect(missing).toEqual([]);
});
