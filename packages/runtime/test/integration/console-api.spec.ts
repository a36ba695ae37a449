import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types, silentLogger } from '@keyflow/sdk';
import { AdminServer } from '../../src/admin/admin-server';
import type { ConsoleOverview } from '../../src/admin/console-overview';
import type { AddressPage, AddressView } from '../../src/inspect/address-inspector';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { CapturingEgress } from '../../src/test-support/capturing-egress';
import { emptyModule } from '../../src/test-support/empty-module';
import { httpSend } from '../../src/test-support/http-post';
import { Tags, Visitor } from '../fixtures/console-test-functions';

// The console's JSON API over real HTTP on the admin port: the dashboard document, one address
// decoded with its expiry, delayed messages and schedules, and a function type's addresses page
// by page, before and after a checkpoint (state written since the last one is seen too).

describe('the console API', () => {
  let dir: string;
  let runtime: KeyflowRuntime;
  let admin: AdminServer;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-console-'));
    runtime = await KeyflowRuntime.start({
      module: emptyModule(),
      stateDir: dir,
      functions: [Visitor, Tags],
      egresses: [new CapturingEgress('it/out')],
      logger: silentLogger,
      checkpointIntervalMs: 0,
    });
    admin = await AdminServer.start(runtime, 0);
    base = `http://127.0.0.1:${admin.address.port}`;
  });

  afterAll(async () => {
    await runtime?.stop();
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const visit = (id: string, name: string): void =>
    runtime.send({
      target: { namespace: 'it', type: 'visitor', id },
      argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize(name) },
      caller: undefined,
    });
  const get = async <T = Record<string, unknown>>(path: string): Promise<{ status: number; json: T }> => {
    const reply = await httpSend(`${base}${path}`, { method: 'GET' });
    return { status: reply.status, json: reply.json as T };
  };

  it('serves the page and its files from the package', async () => {
    const page = await httpSend(`${base}/`, { method: 'GET' });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toContain('text/html');
    expect(page.body.toString()).toContain('/console/console.js');
    for (const file of ['/console/console.js', '/console/console.css']) expect((await httpSend(`${base}${file}`, { method: 'GET' })).status).toBe(200);
  });

  it('shows an address decoded by type, with expiry, its delayed message and its schedule', async () => {
    const before = Date.now();
    visit('ann', 'Ann');
    visit('ann', 'Ann B.');
    await runtime.whenIdle();
    const { status, json } = await get<AddressView>('/api/address?type=it/visitor&id=ann');
    expect(status).toBe(200);
    expect(json).toMatchObject({ address: 'it/visitor/ann', functionType: 'it/visitor', id: 'ann', exists: true });
    const visits = json.state.find((value) => value.name === 'visits');
    expect(visits?.value).toEqual({ typename: 'io.statefun.types/int', encoding: 'builtin', value: 2 });
    expect(visits?.expiry).toMatchObject({ mode: 'after-write', afterMs: 3_600_000 });
    expect(visits?.expiry?.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    const profile = json.state.find((value) => value.name === 'profile');
    expect(profile?.value).toEqual({ typename: 'it/Profile', encoding: 'json', value: { name: 'Ann B.', visits: 2 } });
    expect(profile?.expiry).toBeUndefined();
    // The reminder was replaced (same token), so one is pending; the schedule's tick is a delayed message too.
    const reminders = json.delayedMessages.filter((message) => message.token === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ from: 'it/visitor/ann', to: 'it/visitor/ann', argument: { encoding: 'builtin', value: 'remind' } });
    expect(reminders[0]?.dueAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(json.schedules.map((schedule) => schedule.name)).toEqual(['digest']);
    expect(JSON.stringify(json.schedules[0]?.rule)).toContain('every');
    expect(json.schedules[0]?.nextAt).toBeGreaterThan(before);
    expect(json.state.map((value) => value.name)).not.toContain('__keyflow_schedules');

    const unknown = await get<AddressView>('/api/address?type=it/visitor&id=nobody');
    expect(unknown.json).toMatchObject({ exists: false, state: [], delayedMessages: [], schedules: [] });
  });

  it('lists the addresses of a function type page by page, before and after a checkpoint', async () => {
    for (const id of ['b1', 'b2', 'b3', 'b4']) visit(id, id);
    await runtime.whenIdle();
    const pages = async (): Promise<string[][]> => {
      const found: string[][] = [];
      let after: string | undefined;
      do {
        const { json } = await get<AddressPage>(`/api/addresses?type=it/visitor&limit=2${after === undefined ? '' : `&after=${after}`}`);
        found.push([...json.ids]);
        after = json.next;
      } while (after !== undefined);
      return found;
    };
    expect(await pages()).toEqual([['ann', 'b1'], ['b2', 'b3'], ['b4']]);
    await runtime.checkpoint();
    visit('b0', 'b0');
    await runtime.whenIdle();
    expect(await pages()).toEqual([['ann', 'b0'], ['b1', 'b2'], ['b3', 'b4']]);
  });

  it('answers the dashboard document with functions, checkpoints and egresses', async () => {
    const { status, json } = await get<ConsoleOverview>('/api/overview');
    expect(status).toBe(200);
    const visitor = json.functions.find((fn) => fn.functionType === 'it/visitor');
    expect(visitor?.messages).toBeGreaterThanOrEqual(7);
    expect(visitor?.history.length).toBeGreaterThanOrEqual(1);
    const last = visitor?.history.at(-1);
    expect(Object.keys(last ?? {}).sort()).toEqual(['at', 'meanBatchMs', 'messagesPerSecond']);
    expect(last?.messagesPerSecond).toBeGreaterThanOrEqual(0);
    expect(json.checkpoints[0]).toMatchObject({ checkpointId: 1, bytes: 0, addresses: 5, messages: 0 });
    expect(json.checkpoints[0]?.failure).toBeUndefined();
    expect(json.checkpoints[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(json.checkpoints).toHaveLength(1);
    expect(json.egresses).toEqual([{ id: 'it/out', deliverySemantic: 'at-least-once', records: 0, pendingExactlyOnce: 0 }]);
    expect(json.endpoints).toHaveLength(1);
    expect(json.endpoints[0]?.endpoint).toContain('embedded');
    expect(json.endpoints[0]?.health).toBe('ok');
    expect(json.runtime).toMatchObject({ queuedMessages: 0, paused: false, lastCheckpointId: 1 });
    expect(json.runtime.pendingDelayedMessages).toBeGreaterThanOrEqual(6);
  });

  it('lists addresses whose only state is a map stored entry by entry, ids of any length, before and after a checkpoint', async () => {
    const tag = (id: string): void =>
      runtime.send({
        target: { namespace: 'it', type: 'tags', id },
        argument: { typename: Types.string.typename, hasValue: true, value: Types.string.serialize('red') },
        caller: undefined,
      });
    const list = async (after?: string): Promise<AddressPage> =>
      (await get<AddressPage>(`/api/addresses?type=it/tags&limit=2${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`)).json;
    const long = 'x'.repeat(300);
    for (const id of ['t2', 't1', long]) tag(id);
    await runtime.whenIdle();
    expect((await list()).ids).toEqual(['t1', 't2']); // not yet checkpointed
    await runtime.checkpoint();
    tag('t0');
    await runtime.whenIdle();
    const first = await list();
    expect([first.ids, first.next]).toEqual([['t0', 't1'], 't1']);
    const second = await list(first.next);
    expect([second.ids, second.next]).toEqual([['t2', long], undefined]);
  });

  it('refuses an address request without a function type or id, saying what to send', async () => {
    expect(await get('/api/address?type=visitor&id=a')).toMatchObject({ status: 400, json: { code: 'KF_CONSOLE_BAD_REQUEST' } });
    expect(await get('/api/address?type=it/visitor')).toMatchObject({ status: 400, json: { code: 'KF_CONSOLE_BAD_REQUEST' } });
  });
});
