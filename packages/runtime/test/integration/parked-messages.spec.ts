import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, ValueSpec, egressMessage, silentLogger, type Context, type Message } from '@keyflow/sdk';
import { AdminServer } from '../../src/admin/admin-server';
import { KeyflowRuntime, type RuntimeOptions } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';

// A poison message (one its function throws on) no longer stops the runtime: after the retries
// of the failure policy it is parked, the address goes on with its next message, and the admin
// API (keyflow messages) lists it, delivers it again once the function is fixed, or drops it.
// Parked messages are part of checkpoints: a restarted runtime still has them.

let fixed = false;

@StatefulFunction('shop/orders')
class Orders {
  @ValueSpec({ type: Types.int }) handled?: number;

  apply(ctx: Context<Orders>, msg: Message): void {
    const order = msg.asString();
    if (order.startsWith('poison') && !fixed) throw new Error(`cannot parse order '${order}'`);
    ctx.storage.handled = (ctx.storage.handled ?? 0) + 1;
    ctx.send(egressMessage({ egress: 'shop/out', value: `${order}#${ctx.storage.handled}`, type: Types.string }));
  }
}

interface ParkedJson {
  readonly id: number;
  readonly address: string;
  readonly argument: { readonly value: unknown };
  readonly errorCode: string;
  readonly error: string;
  readonly attempts: number;
}

describe('parked messages', () => {
  let dir: string;
  const started: { runtime: KeyflowRuntime; admin: AdminServer }[] = [];

  beforeEach(async () => {
    fixed = false;
    dir = await mkdtemp(join(tmpdir(), 'keyflow-parked-'));
  });
  afterEach(async () => {
    for (const { runtime, admin } of started.splice(0)) {
      await admin.close();
      await runtime.stop();
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function start(out: CapturingEgress) {
    const options: RuntimeOptions = {
      module: emptyModule(),
      stateDir: dir,
      functions: [Orders],
      egresses: [out],
      logger: silentLogger,
      checkpointIntervalMs: 0,
      failurePolicy: { retryForMs: 300, then: 'park' },
    };
    const runtime = await KeyflowRuntime.start(options);
    const admin = await AdminServer.start(runtime, 0);
    const entry = { runtime, admin };
    started.push(entry);
    const base = `http://127.0.0.1:${admin.address.port}`;
    const call = async (method: string, path: string) => {
      const response = await fetch(`${base}${path}`, { method });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    return { ...entry, call };
  }

  const send = (runtime: KeyflowRuntime, id: string, order: string) =>
    runtime.send({ target: { namespace: 'shop', type: 'orders', id }, argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(order) }, caller: undefined });
  const written = (out: CapturingEgress) => out.written.map((record) => Types.string.deserialize(record.value.value));
  /** What `out` got, once it holds `count` records (egress writes follow processing). */
  async function writtenOnce(out: CapturingEgress, count: number): Promise<string[]> {
    for (const deadline = Date.now() + 5_000; out.written.length < count && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    return written(out);
  }

  it('parks a message its function keeps failing on, goes on with the next, keeps it across a restart, and delivers it on retry', async () => {
    const out = new CapturingEgress('shop/out');
    const first = await start(out);
    let failure: Error | undefined;
    first.runtime.onFailure((error) => (failure = error));
    send(first.runtime, 'c1', 'o-1');
    send(first.runtime, 'c1', 'poison-2');
    send(first.runtime, 'c1', 'o-3');
    await first.runtime.whenIdle();
    expect(failure).toBeUndefined();
    expect(await writtenOnce(out, 2)).toEqual(['o-1#1', 'o-3#2']);

    const listed = await first.call('GET', '/messages/parked');
    expect(listed.status).toBe(200);
    const [parked] = listed.body['messages'] as ParkedJson[];
    expect(parked).toMatchObject({ id: 1, address: 'shop/orders/c1', argument: { value: 'poison-2' }, errorCode: 'KF_ENDPOINT_FAILED' });
    expect(parked?.error).toContain("cannot parse order 'poison-2'");
    expect(parked?.attempts).toBeGreaterThanOrEqual(2);

    // Durable with the checkpoint: a new runtime on the same folder has it.
    await first.runtime.checkpoint();
    for (const { runtime, admin } of started.splice(0)) {
      await admin.close();
      await runtime.stop();
    }
    const out2 = new CapturingEgress('shop/out');
    const second = await start(out2);
    const again = await second.call('GET', '/messages/parked');
    expect((again.body['messages'] as ParkedJson[]).map((message) => message.id)).toEqual([1]);

    // The function is fixed: retry delivers it, after what the address had queued.
    fixed = true;
    const retried = await second.call('POST', '/messages/parked/1/retry');
    expect(retried.status).toBe(200);
    await second.runtime.whenIdle();
    expect(await writtenOnce(out2, 1)).toEqual(['poison-2#3']);
    expect((await second.call('GET', '/messages/parked')).body['messages']).toEqual([]);
    expect((await second.call('POST', '/messages/parked/1/retry')).status).toBe(404);
  });

  it('drops a parked message on request, and answers 404 for one that is not there', async () => {
    const out = new CapturingEgress('shop/out');
    const { runtime, call } = await start(out);
    send(runtime, 'c2', 'poison-9');
    await runtime.whenIdle();
    expect((await call('DELETE', '/messages/parked/1')).body).toMatchObject({ dropped: { id: 1, address: 'shop/orders/c2' } });
    expect((await call('GET', '/messages/parked')).body['messages']).toEqual([]);
    const missing = await call('DELETE', '/messages/parked/1');
    expect(missing).toEqual({ status: 404, body: { code: 'KF_ADMIN_NOT_FOUND', message: 'No parked message 1: list them with GET /messages/parked (keyflow messages list).' } });
  });
});
