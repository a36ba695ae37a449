// The interop workload (see ../README.md) with the official StateFun JavaScript SDK
// (apache-flink-statefun 3.3.0 from npm), served by Node's http module.
// Usage: node functions.js <namespace> <port>
'use strict';
const http = require('node:http');
const { StateFun, messageBuilder, egressMessageBuilder, kafkaEgressMessage } = require('apache-flink-statefun');

const [namespace, port] = [process.argv[2], Number(process.argv[3])];
const OUT = `${namespace}/out`;
const ORDER = StateFun.jsonType('interop/Order');
const INT = StateFun.intType();
const STRING = StateFun.stringType();

const statefun = new StateFun();

statefun.bind({
  typename: `${namespace}/customer`,
  specs: [
    { name: 'total', type: INT },
    { name: 'orders', type: INT },
    { name: 'last', type: ORDER },
  ],
  fn(ctx, message) {
    const text = message.asString();
    const me = ctx.self.id;
    const out = (line) => ctx.send(egressMessageBuilder({ typename: OUT, value: line, valueType: STRING }));
    if (text === 'noop') return;
    if (text === 'ask') {
      const answer = `total:${me}:${ctx.storage.total ?? 0}:${ctx.storage.orders ?? 0}`;
      ctx.send(messageBuilder({ typename: ctx.caller.typename, id: ctx.caller.id, value: answer, valueType: STRING }));
      return;
    }
    if (text === 'report') {
      const last = ctx.storage.last;
      out(`report:${me}:${ctx.storage.total ?? 0}:${ctx.storage.orders ?? 0}:${last ? last.seq : 0}`);
      return;
    }
    if (text.startsWith('confirm:')) {
      const seq = text.split(':')[1];
      ctx.send(kafkaEgressMessage({ typename: OUT, topic: 'confirmations', key: me, value: `confirm:${me}:${seq}` }));
      return;
    }
    if (text.startsWith('never:')) {
      out(`never:${me}:${text.split(':')[1]}`);
      return;
    }
    const [seq, amount, neverMs] = text.split(':').map(Number);
    ctx.storage.total = (ctx.storage.total ?? 0) + amount;
    ctx.storage.orders = (ctx.storage.orders ?? 0) + 1;
    ctx.storage.last = { seq, amount };
    ctx.send(messageBuilder({ typename: `${namespace}/audit`, id: me, value: { seq, amount }, valueType: ORDER }));
    const confirm = messageBuilder({ typename: `${namespace}/customer`, id: me, value: `confirm:${seq}`, valueType: STRING });
    if (seq % 2 === 0) ctx.sendAfter(50, confirm, `confirm-${me}-${seq}`);
    else ctx.sendAfter(50, confirm);
    if (seq % 3 === 0) {
      const never = messageBuilder({ typename: `${namespace}/customer`, id: me, value: `never:${seq}`, valueType: STRING });
      ctx.sendAfter(neverMs, never, `never-${me}-${seq}`);
    }
    if (seq % 3 === 1 && seq > 1) ctx.cancelDelayedMessage(`never-${me}-${seq - 1}`);
  },
});

statefun.bind({
  typename: `${namespace}/audit`,
  specs: [{ name: 'seen', type: INT }],
  fn(ctx, message) {
    const order = message.as(ORDER);
    const seen = (ctx.storage.seen ?? 0) + 1;
    ctx.storage.seen = seen;
    ctx.send(egressMessageBuilder({ typename: OUT, value: `audit:${ctx.self.id}:${order.seq}:${order.amount}:${seen}`, valueType: STRING }));
  },
});

http.createServer(statefun.handler()).listen(port, '127.0.0.1', () => process.stdout.write('serving\n'));
