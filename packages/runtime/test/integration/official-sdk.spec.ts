import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, silentLogger } from '@keyflow/sdk';
import { StateFun, kafkaEgressMessage, messageBuilder, type Context, type Message } from 'apache-flink-statefun';
import { parseModule } from '../../src/module/module-loader';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { httpSend } from '../../src/test-support/http-post';
import { freePort } from '../../src/test-support/raw-server';

// A function service written with the official StateFun JavaScript SDK, served over HTTP and
// driven by Keyflow's runtime: the runtime learns its state through IncompleteInvocationContext,
// and carries out its messages, delayed messages, cancellations and Kafka egress records.

interface EgressLine {
  readonly egress: string;
  readonly topic?: string;
  readonly key?: string;
  readonly value: string;
}

function officialService(): StateFun {
  const statefun = new StateFun();
  statefun.bind({
    typename: 'official/greeter',
    specs: [{ name: 'seen', type: StateFun.intType() }],
    fn(context: Context, message: Message) {
      const text = message.asString() ?? '';
      if (text === 'reminder' || text === 'cancelled') {
        context.send(kafkaEgressMessage({ typename: 'official/out', topic: 'reminders', key: context.self.id, value: text }));
        return;
      }
      const seen = ((context.storage as { seen: number | null }).seen ?? 0) + 1;
      (context.storage as { seen: number | null }).seen = seen;
      context.send(messageBuilder({ typename: 'official/inbox', id: context.self.id, value: `${text}#${seen}` }));
      if (seen === 1) {
        context.sendAfter(20, messageBuilder({ typename: 'official/greeter', id: context.self.id, value: 'reminder' }), 'reminder');
        context.sendAfter(60_000, messageBuilder({ typename: 'official/greeter', id: context.self.id, value: 'cancelled' }), 'later');
      }
      if (seen === 2) context.cancelDelayedMessage('later');
    },
  });
  // Answers whoever called, as any StateFun function answers: by sending to its caller.
  statefun.bind({
    typename: 'official/echo',
    fn(context: Context, message: Message) {
      if (!context.caller) return;
      context.send(messageBuilder({ typename: context.caller.typename, id: context.caller.id, value: `echo:${message.asString() ?? ''}` }));
    },
  });
  statefun.bind({
    typename: 'official/inbox',
    fn(context: Context, message: Message) {
      const caller = context.caller ? context.caller.typename : '-';
      context.send(
        kafkaEgressMessage({ typename: 'official/out', topic: 'greetings', key: context.self.id, value: `${caller}:${message.asString() ?? ''}` }),
      );
    },
  });
  return statefun;
}

describe('Keyflow runtime driving the official StateFun JS SDK', () => {
  let dir: string;
  let server: Server;
  let port: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-official-'));
    const handle = officialService().handler();
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  /** The official SDK's service as a StateFun HTTP endpoint, the first document of each test's module. */
  const endpointYaml = (): string => `kind: io.statefun.endpoints.v2/http
spec:
  functions: official/*
  urlPathTemplate: http://127.0.0.1:${port}/statefun
`;

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('runs send, sendAfter, cancellation, egress and the missing-state retry', async () => {
    const egressPath = join(dir, 'out.jsonl');
    const module = parseModule(
      `${endpointYaml()}---
kind: io.keyflow.file.v1/egress
spec:
  id: official/out
  path: ${egressPath}
`,
      join(dir, 'module.yaml'),
    );
    const runtime = await KeyflowRuntime.start({ module, stateDir: join(dir, 'state'), logger: silentLogger, checkpointIntervalMs: 0 });
    const lines = async (): Promise<EgressLine[]> => {
      try {
        return (await readFile(egressPath, 'utf8')).trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as EgressLine);
      } catch {
        return [];
      }
    };
    try {
      for (const word of ['hi', 'again', 'third']) {
        runtime.send({
          target: { namespace: 'official', type: 'greeter', id: 'ann' },
          argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(word) },
          caller: undefined,
        });
      }
      const started = Date.now();
      while ((await lines()).length < 4 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
      await runtime.whenIdle();
      expect(runtime.stats().pendingTimers).toBe(0);
    } finally {
      await runtime.stop();
    }
    const all = await lines();
    expect(all.filter((line) => line.topic === 'greetings').map((line) => [line.key, line.value])).toEqual([
      ['ann', 'official/greeter:hi#1'],
      ['ann', 'official/greeter:again#2'],
      ['ann', 'official/greeter:third#3'],
    ]);
    expect(all.filter((line) => line.topic === 'reminders').map((line) => line.value)).toEqual(['reminder']);
    expect(all.every((line) => line.egress === 'official/out')).toBe(true);
  });

  it("answers an HTTP request that waits with the function's message to its caller", async () => {
    const ingressPort = await freePort();
    const module = parseModule(
      `${endpointYaml()}---
kind: io.keyflow.http.v1/ingress
spec:
  id: official/http
  port: ${ingressPort}
  routes:
    - path: /echo
      valueType: io.statefun.types/string
      targets: [official/echo]
`,
      join(dir, 'module.yaml'),
    );
    const runtime = await KeyflowRuntime.start({ module, stateDir: join(dir, 'state'), logger: silentLogger, checkpointIntervalMs: 0 });
    try {
      const url = `http://127.0.0.1:${ingressPort}/echo/e1`;
      const reply = await httpSend(url, { body: 'hello', headers: { Prefer: 'wait=5' } });
      expect([reply.status, reply.body.toString()]).toEqual([200, 'echo:hello']);
    } finally {
      await runtime.stop();
    }
  });
});
