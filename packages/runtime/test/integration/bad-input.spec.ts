import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, egressMessage, isKeyflowError, serveHttp, silentLogger, type Context, type ErrorCode, type Message } from '@keyflow/sdk';
import { parseModule } from '../../src/module/module-loader';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';
import { freePort } from '../../src/test-support/raw-server';

@StatefulFunction('bad/echo')
class Echo {
  apply(ctx: Context<Echo>, msg: Message): void {
    ctx.send(egressMessage({ egress: 'bad/out', value: msg.asString(), type: Types.string }));
  }
}

@StatefulFunction('bad/misrouted')
class Misrouted {
  apply(ctx: Context<Misrouted>, msg: Message): void {
    ctx.send(egressMessage({ egress: 'bad/out', value: 'partial', type: Types.string }));
    ctx.send({ target: { typename: msg.asString(), id: 'x' }, value: 'lost?' });
  }
}

@StatefulFunction('bad/undeclared')
class Undeclared {
  apply(ctx: Context<Undeclared>): void {
    ctx.send(egressMessage({ egress: 'bad/nowhere', value: 'x', type: Types.string }));
  }
}


function failureOf(runtime: KeyflowRuntime): Promise<Error> {
  return new Promise((resolve) => runtime.onFailure(resolve));
}

/** bad/* behind an HTTP endpoint on `functionPort`, and an HTTP ingress to bad/echo on `ingressPort`. */
function echoBehindHttp(functionPort: number, ingressPort: number, callTimeout: string): string {
  return `kind: io.statefun.endpoints.v2/http
spec:
  functions: bad/*
  urlPathTemplate: http://127.0.0.1:${functionPort}/statefun
  transport:
    call: ${callTimeout}
    connect: 100ms
---
kind: io.keyflow.http.v1/ingress
spec:
  id: bad/http
  port: ${ingressPort}
  routes:
    - path: /echo
      valueType: io.statefun.types/string
      targets: [bad/echo]`;
}

/** StateFun's way: the first failure stops the runtime (the default retries for a minute, then parks). */
const STOP = { retryForMs: 0, then: 'stop' } as const;

const text = (value: string) => ({ typename: Types.string.typename, hasValue: true, value: Types.string.serialize(value) });

describe('bad input at runtime', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-bad-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('with the stop policy, fails loudly on an unreachable endpoint, naming address and endpoint, and loses no accepted message', async () => {
    const [functionPort, ingressPort] = [await freePort(), await freePort()];
    const egressPath = join(dir, 'out.jsonl');
    const moduleYaml = `${echoBehindHttp(functionPort, ingressPort, '600ms')}
---
kind: io.keyflow.file.v1/egress
spec:
  id: bad/out
  path: ${egressPath}
`;
    const options = {
      module: parseModule(moduleYaml, join(dir, 'module.yaml')),
      stateDir: join(dir, 'state'),
      logger: silentLogger,
      checkpointIntervalMs: 0,
      failurePolicy: STOP,
    };
    const first = await KeyflowRuntime.start(options);
    const failed = failureOf(first);
    const response = await fetch(`http://127.0.0.1:${ingressPort}/echo/ann`, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(202);
    const error = await failed;
    expect(isKeyflowError(error, 'KF_ENDPOINT_UNREACHABLE')).toBe(true);
    expect(error.message).toContain('bad/echo/ann');
    expect(error.message).toContain(`http://127.0.0.1:${functionPort}/statefun`);
    await first.stop();

    // The function comes up; the runtime restarts and delivers the accepted message.
    const server = serveHttp([Echo], { port: functionPort, host: '127.0.0.1', logger: silentLogger });
    await server.listening;
    const second = await KeyflowRuntime.start(options);
    try {
      const started = Date.now();
      let lines: string[] = [];
      while (lines.length === 0 && Date.now() - started < 10_000) {
        lines = await readFile(egressPath, 'utf8').then((content) => content.split('\n').filter(Boolean), () => []);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(lines.map((line) => (JSON.parse(line) as { value: string }).value)).toEqual(['hello']);
    } finally {
      await second.stop();
      await server.close();
    }
  });

  it.each([
    ['a message to a function type no endpoint serves', Misrouted, 'bad/misrouted', 'nobody/home', 'KF_NO_ENDPOINT'],
    ['a record for an undeclared egress', Undeclared, 'bad/undeclared', 'x', 'KF_UNKNOWN_EGRESS'],
  ])('stops on %s, applying none of that response', async (_what, cls, typename, body, code) => {
    const out = new CapturingEgress('bad/out');
    const runtime = await KeyflowRuntime.start({
      module: emptyModule(),
      stateDir: dir,
      functions: [cls, Echo],
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 0,
      failurePolicy: STOP,
    });
    const failed = failureOf(runtime);
    const [namespace, type] = typename.split('/') as [string, string];
    runtime.send({ target: { namespace, type, id: 'a' }, argument: text(body), caller: undefined });
    const error = await failed;
    expect(isKeyflowError(error, code as ErrorCode)).toBe(true);
    await runtime.stop();
    expect(out.written).toEqual([]);
  });

  it('by default, sends a batch again while its function service is down and delivers it once the service is up, without stopping', async () => {
    const [functionPort, ingressPort] = [await freePort(), await freePort()];
    const moduleYaml = echoBehindHttp(functionPort, ingressPort, '300ms');
    const out = new CapturingEgress('bad/out');
    const runtime = await KeyflowRuntime.start({
      module: parseModule(moduleYaml, join(dir, 'module.yaml')),
      stateDir: join(dir, 'state'),
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 0,
    });
    let failure: Error | undefined;
    runtime.onFailure((error) => (failure = error));
    try {
      expect((await fetch(`http://127.0.0.1:${ingressPort}/echo/ann`, { method: 'POST', body: 'hello' })).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(out.written).toEqual([]);
      const server = serveHttp([Echo], { port: functionPort, host: '127.0.0.1', logger: silentLogger });
      await server.listening;
      try {
        await runtime.whenIdle();
        expect(out.written.map((record) => Types.string.deserialize(record.value.value))).toEqual(['hello']);
        expect(failure).toBeUndefined();
        expect(runtime.parkedMessages()).toEqual([]);
      } finally {
        await server.close();
      }
    } finally {
      await runtime.stop();
    }
  });
});
