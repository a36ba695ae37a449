import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, ValueSpec, egressMessage, silentLogger, type Context, type Message } from '@keyflow/sdk';
import { CapturingEgress } from '../test-support/capturing-egress';
import { emptyModule } from '../test-support/empty-module';
import { KeyflowRuntime } from './keyflow-runtime';

@StatefulFunction('test/counter')
class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>, msg: Message): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.send({ target: { typename: 'test/echo', id: ctx.self.id }, value: `${msg.asString()}#${count}` });
  }
}

@StatefulFunction('test/echo')
class Echo {
  apply(ctx: Context<Echo>, msg: Message): void {
    ctx.send(egressMessage({ egress: 'test/out', value: `${ctx.self.id}:${msg.asString()}`, type: Types.string }));
  }
}

const str = (text: string) => ({ typename: Types.string.typename, hasValue: true, value: Types.string.serialize(text) });

describe('KeyflowRuntime', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-runtime-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers messages through functions to an egress, in order per address, and keeps state across restarts', async () => {
    const out = new CapturingEgress('test/out');
    const start = () =>
      KeyflowRuntime.start({
        module: emptyModule(),
        stateDir: dir,
        functions: [Counter, Echo],
        egresses: [out],
        logger: silentLogger,
        checkpointIntervalMs: 0,
      });
    const runtime = await start();
    for (const word of ['a', 'b', 'c']) runtime.send({ target: { namespace: 'test', type: 'counter', id: 'x' }, argument: str(word), caller: undefined });
    runtime.send({ target: { namespace: 'test', type: 'counter', id: 'y' }, argument: str('z'), caller: undefined });
    await runtime.whenIdle();
    await runtime.stop();
    const values = out.written.map((record) => Types.string.deserialize(record.value.value));
    expect(values.filter((value) => value.startsWith('x:'))).toEqual(['x:a#1', 'x:b#2', 'x:c#3']);
    expect(values).toContain('y:z#1');

    const again = await start();
    again.send({ target: { namespace: 'test', type: 'counter', id: 'x' }, argument: str('d'), caller: undefined });
    await again.whenIdle();
    await again.stop();
    expect(Types.string.deserialize(out.written.at(-1)!.value.value)).toBe('x:d#4');
  });

  it('releases the state folder when starting fails, so a corrected start can take it', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    const withIngress = emptyModule({
      httpIngresses: [
        {
          kind: 'http-ingress',
          source: { file: 'module.yaml', line: 1 },
          id: 'test/http',
          host: '127.0.0.1',
          port,
          routes: [{ path: '/counter', valueType: Types.string.typename, targets: ['test/counter'] }],
          idempotencyWindowMs: 60_000,
          maxBodyBytes: 1_024,
          replyRetentionMs: 60_000,
          maxKeptReplies: 100_000,
        },
      ],
    });
    const options = { stateDir: dir, functions: [Counter, Echo], egresses: [new CapturingEgress('test/out')], logger: silentLogger, checkpointIntervalMs: 0 };
    await expect(KeyflowRuntime.start({ ...options, module: withIngress })).rejects.toThrow(/EADDRINUSE/);
    await new Promise((resolve) => blocker.close(resolve));
    const runtime = await KeyflowRuntime.start({ ...options, module: emptyModule() });
    await runtime.stop();
  });
});
