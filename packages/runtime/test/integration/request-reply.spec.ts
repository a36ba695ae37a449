import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulFunction, Types, ValueSpec, jsonType, silentLogger, type Context, type Message } from '@keyflow/sdk';
import { FolderCheckpointStorage } from '../../src/checkpoint/folder-storage';
import type { HttpIngressConfig } from '../../src/config/module-config';
import type { HttpIngress } from '../../src/ingress/http-ingress';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { emptyModule } from '../../src/test-support/empty-module';
import { httpIngressConfig } from '../../src/test-support/http-ingress-config';
import { httpSend } from '../../src/test-support/http-post';
import { capturedLogs } from '../../src/test-support/captured-logs';
import type { Logger } from '@keyflow/sdk';

// Request/response through the HTTP ingress: a request that waits gets a caller address, the
// function answers by sending to it (ctx.reply here; any SDK's send to its caller alike), and the
// ingress answers 200 with the reply once a commit holds it — without periodic checkpoints.

interface Total {
  readonly id: string;
  readonly count: number;
}
const TotalType = jsonType<Total>('test/Total');

@StatefulFunction('test/counter')
class Counter {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Counter>): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    if (ctx.caller !== undefined) ctx.reply(`${ctx.self.id}:${count}`);
  }
}

@StatefulFunction('test/totals')
class Totals {
  @ValueSpec({ type: Types.int }) count?: number;

  apply(ctx: Context<Totals>): void {
    const count = (ctx.storage.count ?? 0) + 1;
    ctx.storage.count = count;
    ctx.reply({ id: ctx.self.id, count }, TotalType);
  }
}

/** Answers later: keeps its caller, and answers it when its own delayed message arrives. */
@StatefulFunction('test/slow')
class Slow {
  @ValueSpec({ type: Types.string }) waiting?: string;

  apply(ctx: Context<Slow>, msg: Message): void {
    if (ctx.caller !== undefined && ctx.caller.typename !== 'test/slow') {
      ctx.storage.waiting = JSON.stringify(ctx.caller);
      ctx.sendAfter(600, { target: ctx.self, value: 'now' });
      return;
    }
    const caller = JSON.parse(ctx.storage.waiting ?? 'null') as { typename: string; id: string } | null;
    if (caller === null || !msg.isString()) return;
    ctx.send({ target: caller, value: 'late answer' });
    ctx.storage.waiting = undefined;
  }
}

const ingress = (overrides: Partial<HttpIngressConfig> = {}): HttpIngressConfig =>
  httpIngressConfig(
    'test/http',
    [
      { path: '/count', valueType: Types.string.typename, targets: ['test/counter'] },
      { path: '/totals', valueType: Types.string.typename, targets: ['test/totals'], waitForReplyMs: 5_000 },
      { path: '/slow', valueType: Types.string.typename, targets: ['test/slow'] },
    ],
    overrides,
  );

describe('request/response over the HTTP ingress', () => {
  let dir: string;
  let runtime: KeyflowRuntime | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-request-reply-'));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    options: { stateDir?: string; storage?: FolderCheckpointStorage; ingress?: Partial<HttpIngressConfig>; logger?: Logger } = {},
  ): Promise<string> {
    runtime = await KeyflowRuntime.start({
      module: emptyModule({ httpIngresses: [ingress(options.ingress)] }),
      stateDir: options.stateDir ?? dir,
      functions: [Counter, Totals, Slow],
      logger: options.logger ?? silentLogger,
      // No periodic checkpoint: a reply must not wait for one.
      checkpointIntervalMs: 0,
      ...(options.storage ? { checkpointStorage: options.storage } : {}),
    });
    return `http://127.0.0.1:${(runtime.ingresses[0] as HttpIngress).address.port}`;
  }

  it("answers 200 with the function's reply when the client waits for it (Prefer: wait), as text for a string", async () => {
    const base = await start();
    const first = await httpSend(`${base}/count/c1`, { body: 'x', headers: { Prefer: 'wait=5' } });
    expect([first.status, first.headers['content-type'], first.headers['keyflow-type'], first.body.toString()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      Types.string.typename,
      'c1:1',
    ]);
    const second = await httpSend(`${base}/count/c1`, { body: 'x', headers: { Prefer: 'respond-async, wait=5' } });
    expect(second.body.toString()).toBe('c1:2');
    // Without Prefer: wait it is accepted as before: 202, and the message has no caller.
    const plain = await httpSend(`${base}/count/c1`, { body: 'x' });
    expect([plain.status, plain.json.status]).toEqual([202, 'accepted']);
    const third = await httpSend(`${base}/count/c1`, { body: 'x', headers: { Prefer: 'wait=5' } });
    expect(third.body.toString()).toBe('c1:4');
  });

  it("answers with JSON for a JSON type, and waits by the route's waitForReply without a Prefer header", async () => {
    const base = await start();
    const reply = await httpSend(`${base}/totals/t1`, { body: 'x' });
    expect([reply.status, reply.headers['content-type'], reply.json]).toEqual([200, 'application/json', { id: 't1', count: 1 }]);
  });

  it('answers 202 with a Location when the reply does not come in time; GET there gives it once it came', async () => {
    const base = await start();
    const accepted = await httpSend(`${base}/slow/s1`, { body: 'x', headers: { Prefer: 'wait=0.1' } });
    expect([accepted.status, accepted.json.status]).toEqual([202, 'pending']);
    const location = accepted.headers.location as string;
    expect(location).toMatch(/^\/slow\/s1\/replies\/\d+$/);
    const notYet = await httpSend(`${base}${location}`, { method: 'GET' });
    expect([notYet.status, notYet.json.status]).toEqual([202, 'pending']);
    const answered = await httpSend(`${base}${location}`, { method: 'GET', headers: { Prefer: 'wait=5' } });
    expect([answered.status, answered.body.toString()]).toEqual([200, 'late answer']);
    const unknown = await httpSend(`${base}/slow/s1/replies/999`, { method: 'GET' });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'KF_INGRESS_NO_REPLY']);
    const otherId = await httpSend(`${base}${location.replace('/s1/', '/s2/')}`, { method: 'GET' });
    expect(otherId.status).toBe(404);
  });

  it('gives a retry under the same Idempotency-Key the same answer, also after a restart, without running the function again', async () => {
    let base = await start();
    const headers = { Prefer: 'wait=5', 'Idempotency-Key': 'k-1' };
    const first = await httpSend(`${base}/count/c9`, { body: 'x', headers });
    expect(first.body.toString()).toBe('c9:1');
    const retried = await httpSend(`${base}/count/c9`, { body: 'x', headers });
    expect([retried.status, retried.body.toString()]).toEqual([200, 'c9:1']);
    await runtime?.stop();
    base = await start();
    const afterRestart = await httpSend(`${base}/count/c9`, { body: 'x', headers });
    expect([afterRestart.status, afterRestart.body.toString()]).toEqual([200, 'c9:1']);
    const next = await httpSend(`${base}/count/c9`, { body: 'x', headers: { Prefer: 'wait=5', 'Idempotency-Key': 'k-2' } });
    expect(next.body.toString()).toBe('c9:2');
  });

  it('keeps at most maxKeptReplies requests with their replies, letting the oldest go first, also across a restart, and warns once', async () => {
    const { logger, lines } = capturedLogs();
    let base = await start({ ingress: { maxKeptReplies: 2 }, logger });
    const send = (key: string): Promise<Awaited<ReturnType<typeof httpSend>>> =>
      httpSend(`${base}/count/m1`, { body: 'x', headers: { Prefer: 'wait=5', 'Idempotency-Key': key } });
    for (const key of ['k-a', 'k-b', 'k-c', 'k-d']) expect((await send(key)).status).toBe(200);
    // Each commit lets go of what is beyond the newest two: k-a and k-b are gone, k-c and k-d kept.
    const gone = await send('k-a');
    expect([gone.status, gone.json.status, gone.json.message]).toEqual([202, 'duplicate', 'Its reply is no longer kept (replyRetention 60 s, maxKeptReplies 2).']);
    expect((await send('k-d')).body.toString()).toBe('m1:4');
    const warnings = lines.filter((line) => line.level === 'warn' && line.msg.includes('maxKeptReplies'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('the oldest are let go before replyRetention (60 s) is over');

    await runtime?.stop();
    base = await start({ ingress: { maxKeptReplies: 2 } });
    expect((await send('k-b')).json.status).toBe('duplicate');
    const kept = await send('k-c');
    expect([kept.status, kept.body.toString()]).toEqual([200, 'm1:3']);
  });

  it('refuses a Prefer: wait that is not a number of seconds', async () => {
    const base = await start();
    const reply = await httpSend(`${base}/count/c1`, { body: 'x', headers: { Prefer: 'wait=soon' } });
    expect([reply.status, reply.json.code]).toEqual([400, 'KF_INGRESS_BAD_REQUEST']);
  });

  it('commits replies locally, not to the archive; the next checkpoint archives them all in one delta, which restores on another machine', async () => {
    const storage = new FolderCheckpointStorage(join(dir, 'archive'));
    let base = await start({ stateDir: join(dir, 'state-a'), storage });
    await runtime?.checkpoint();
    const archivedBefore = await storage.list('deltas/');
    const answers: string[] = [];
    for (let round = 1; round <= 5; round++) {
      answers.push((await httpSend(`${base}/count/a`, { body: 'x', headers: { Prefer: 'wait=5' } })).body.toString());
    }
    expect(answers).toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
    expect(await storage.list('deltas/')).toEqual(archivedBefore);
    const checkpoint = await runtime!.checkpoint();
    const manifest = JSON.parse(Buffer.from((await storage.get(`deltas/${String(checkpoint.checkpointId).padStart(16, '0')}.json`))!).toString()) as {
      firstCheckpointId?: number;
      checkpointId: number;
    };
    expect(manifest.firstCheckpointId).toBeLessThan(manifest.checkpointId);
    await runtime?.stop();
    // The state folder is lost: the archive alone brings back every answered increment.
    base = await start({ stateDir: join(dir, 'state-b'), storage });
    expect((await httpSend(`${base}/count/a`, { body: 'x', headers: { Prefer: 'wait=5' } })).body.toString()).toBe('a:6');
  });
});
