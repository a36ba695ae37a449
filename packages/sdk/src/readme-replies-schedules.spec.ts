// The README's reply/request and schedule examples, compiled and run.
import { StatefulFunction, ValueSpec, Types, jsonType, type Context, type Message } from '@keyflow/sdk';
import { FakeRuntime } from './test-support/fake-runtime';
import { wrapped } from './test-support/typed-values';
import { address } from './test-support/wire-messages';

const Balance = jsonType<{ cents: number }>('bank/Balance');

@StatefulFunction('bank/account')
export class Account {
  @ValueSpec({ type: Types.int }) cents?: number;

  apply(ctx: Context<Account>, _msg: Message): void {
    ctx.reply({ cents: ctx.storage.cents ?? 0 }, Balance);
  }
}

@StatefulFunction('bank/customer')
export class Customer {
  @ValueSpec({ type: Types.string }) pending?: string;

  apply(ctx: Context<Customer>, msg: Message): void {
    if (msg.is(Balance) && msg.correlationId === ctx.storage.pending) {
      ctx.storage.pending = undefined;
      return;
    }
    ctx.storage.pending = ctx.request({ target: { typename: 'bank/account', id: ctx.self.id }, value: 'balance' });
  }
}

@StatefulFunction('example/digest')
export class Digest {
  @ValueSpec({ type: Types.int }) sent?: number;

  apply(ctx: Context<Digest>, msg: Message): void {
    if (msg.tick) {
      ctx.storage.sent = (ctx.storage.sent ?? 0) + 1;
      return;
    }
    if (msg.asString() === 'stop') ctx.unschedule('digest');
    else ctx.schedule('digest', { cron: '0 9 * * MON-FRI', timeZone: 'Europe/Berlin' }, { value: 'send' });
  }
}

test('a request is answered and the answer matched by its correlation id', async () => {
  const runtime = new FakeRuntime([Account, Customer], 0);
  await runtime.send(address('bank/customer', 'ann'), wrapped.string('ask'));
  expect(runtime.sent).toHaveLength(2); // the request and its reply
  expect(runtime.stateOf(address('bank/customer', 'ann'), 'pending')).toBeUndefined();
});

test('a weekday digest sends five times a week until stopped', async () => {
  const monday = Date.parse('2026-12-07T00:00:00Z');
  const runtime = new FakeRuntime([Digest], monday);
  await runtime.send(address('example/digest', 'team'), wrapped.string('start'));
  await runtime.advanceTo(monday + 7 * 86_400_000);
  expect(runtime.stateOf(address('example/digest', 'team'), 'sent')).toEqual(wrapped.int(5));
  await runtime.send(address('example/digest', 'team'), wrapped.string('stop'));
  expect(runtime.pending()).toEqual([]);
});
