import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateFun, kafkaEgressMessage, messageBuilder, type Context, type Message } from 'apache-flink-statefun';
import { decodeToFunction } from '@keyflow/sdk/protocol';
import { testBroker } from '../support/kafka-broker';
import { createTopics, produce, readTopic, uniqueName } from '../support/kafka-helpers';
import { startRuntime, tempDir } from '../support/runtime-harness';

// A module.yaml in StateFun's own format — a remote HTTP endpoint, a Kafka ingress and an
// exactly-once Kafka egress — runs on Keyflow as it is, against functions written with the
// official StateFun JavaScript SDK (StateFun's greeter example, shortened). The login records
// carry Kafka headers, which Keyflow sends to the functions in its protocol extension field:
// the official SDK, which does not know that field, must answer as if they were not there.

jest.setTimeout(60_000);

interface UserLogin {
  user_id: string;
  user_name: string;
  login_type: string;
}

function greeterService(greetingsTopic: string): StateFun {
  const statefun = new StateFun();
  const UserLoginType = StateFun.jsonType<UserLogin>('greeter.types/UserLogin');
  const GreetRequestType = StateFun.jsonType<{ name: string; visits: number }>('greeter.types/GreetRequest');
  statefun.bind({
    typename: 'greeter.fns/user',
    specs: [{ name: 'seen_count', type: StateFun.intType() }],
    fn(context: Context, message: Message) {
      const login = message.as(UserLoginType) as UserLogin;
      const storage = context.storage as { seen_count: number | null };
      const visits = (storage.seen_count ?? 0) + 1;
      storage.seen_count = visits;
      context.send(messageBuilder({ typename: 'greeter.fns/greetings', id: login.user_name, value: { name: login.user_name, visits }, valueType: GreetRequestType }));
    },
  });
  statefun.bind({
    typename: 'greeter.fns/greetings',
    fn(context: Context, message: Message) {
      const { name, visits } = message.as(GreetRequestType) as { name: string; visits: number };
      context.send(
        kafkaEgressMessage({ typename: 'greeter.io/user-greetings', topic: greetingsTopic, key: name, value: `Hello ${name}! visit #${visits}` }),
      );
    },
  });
  return statefun;
}

function statefunModule(port: number, loginsTopic: string, group: string): string {
  const bootstrap = testBroker().bootstrap;
  return `kind: io.statefun.endpoints.v2/http
spec:
  functions: greeter.fns/*
  urlPathTemplate: http://127.0.0.1:${port}/statefun
  transport:
    type: io.statefun.transports.v1/async
    call: 2m
---
kind: io.statefun.kafka.v1/ingress
spec:
  id: greeter.io/user-logins
  address: ${bootstrap}
  consumerGroupId: ${group}
  startupPosition:
    type: earliest
  topics:
    - topic: ${loginsTopic}
      valueType: greeter.types/UserLogin
      targets:
        - greeter.fns/user
---
kind: io.statefun.kafka.v1/egress
spec:
  id: greeter.io/user-greetings
  address: ${bootstrap}
  deliverySemantic:
    type: exactly-once
    transactionTimeout: 15min
  properties:
    - transaction.timeout.ms: 900000
`;
}

describe("a StateFun module.yaml with the official JavaScript SDK", () => {
  let server: Server;
  let port: number;
  let dir: string;
  let remove: () => Promise<void>;
  /** Invocations the official SDK was sent (retried batches count again), per function type, and how many carried headers. */
  let sent: Record<string, { invocations: number; withHeaders: number }>;
  const greetings = uniqueName('greetings');

  beforeEach(async () => {
    ({ dir, remove } = await tempDir('keyflow-statefun-module-'));
    sent = {};
    const handler = greeterService(greetings).handler();
    // Looks at each request on its way to the official SDK's own handler, which gets it unchanged.
    server = createServer((request, response) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        const batch = decodeToFunction(body);
        const counts = (sent[batch?.target?.type ?? ''] ??= { invocations: 0, withHeaders: 0 });
        for (const invocation of batch?.invocations ?? []) {
          counts.invocations++;
          if (invocation.headers !== undefined) counts.withHeaders++;
        }
        await handler({ [Symbol.asyncIterator]: async function* () { yield body; } }, response);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await remove();
  });

  it('runs unchanged: Kafka in, remote functions, exactly-once Kafka out', async () => {
    const logins = uniqueName('user-logins');
    await createTopics([logins, greetings], 2);
    const users = ['ann', 'bob', 'cy'];
    const messages = Array.from({ length: 30 }, (_, index) => {
      const user = users[index % users.length] as string;
      return {
        key: user,
        value: JSON.stringify({ user_id: user, user_name: user, login_type: 'WEB' }),
        headers: { 'trace-id': `login-${index}`, tag: ['web', Buffer.from([0xff, 0x00])] },
      };
    });
    await produce(logins, messages);

    const runtime = await startRuntime(statefunModule(port, logins, uniqueName('my-group-id')), { stateDir: dir, checkpointIntervalMs: 300 });
    let records;
    try {
      records = await readTopic(greetings, { count: messages.length, settleMs: 700 });
    } finally {
      await runtime.stop();
    }
    expect(records).toHaveLength(messages.length);
    // Every login reached greeter.fns/user with its headers; the messages it sends on have none.
    expect(sent['user']?.invocations).toBeGreaterThanOrEqual(messages.length);
    expect(sent['user']?.withHeaders).toBe(sent['user']?.invocations);
    expect(sent['greetings']?.invocations).toBeGreaterThanOrEqual(messages.length);
    expect(sent['greetings']?.withHeaders).toBe(0);
    for (const user of users) {
      expect(records.filter((record) => record.key === user).map((record) => record.value)).toEqual(
        Array.from({ length: 10 }, (_, visit) => `Hello ${user}! visit #${visit + 1}`),
      );
    }
  });
});
